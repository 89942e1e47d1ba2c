// Seed 002's worked example: the network, its one example and its cost, for `tapegrad explain
// --worked-example`, `tapegrad graph --worked-example` and the lab's preset (lab/).
#pragma once

#include "cli/model.hpp"

namespace tg::cli {

// Seed 002's 2-2-1 sigmoid network with cli/demo.cpp's weights (W^2 = [[.15,.20],[.25,.30]],
// b^2 = (.35,.35), W^3 = [.40,.45], b^3 = .60) and its one example x = (.05, .10), y = 1; the
// cost is cross-entropy unless the options name another.   x: (2, 1), y: (1, 1)
struct WorkedExample {
  Problem problem;
  Tensor x, y;
};
WorkedExample worked_example(const ModelOptions& model);

}  // namespace tg::cli
