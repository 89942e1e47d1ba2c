// Which version of the student's file this test program was built from (exercise.cpp, or an
// instructor's solution.cpp / mistake.cpp): CMake compiles this file into each program with
// TG_BUILT_FROM="NN_name/FILE".
namespace tg::exercises {

const char* built_from() { return TG_BUILT_FROM; }

}  // namespace tg::exercises
