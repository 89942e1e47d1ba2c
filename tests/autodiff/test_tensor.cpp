// Tensor helpers (autodiff/tensor.cpp): shapes printed as strings, element counts, the small
// constructors, printing a tensor's numbers (and eliding long ones), multi-indices of flat
// positions, and normalising a possibly negative axis.
#include <doctest/doctest.h>

#include <numbers>
#include <string>

#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"

using tg::Shape;
using tg::Tensor;

TEST_CASE("tensor: shape_str prints (2,3), (3) and ()") {
  CHECK(tg::shape_str(Shape{2, 3}) == "(2,3)");
  CHECK(tg::shape_str(Shape{3}) == "(3)");
  CHECK(tg::shape_str(Shape{}) == "()");
  CHECK(tg::shape_str(Shape{4, 1, 5}) == "(4,1,5)");
  // The Tensor overload prints the tensor's shape, not its numbers.
  CHECK(tg::shape_str(Tensor{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}) == "(2,3)");
  CHECK(tg::shape_str(Tensor{7.0, 8.0, 9.0}) == "(3)");
  CHECK(tg::shape_str(tg::scalar_tensor(1.0)) == "()");
}

TEST_CASE("tensor: shape_of returns one extent per axis") {
  CHECK(tg::shape_of(Tensor{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}) == Shape{2, 3});
  CHECK(tg::shape_of(Tensor{1.0, 2.0}) == Shape{2});
  CHECK(tg::shape_of(tg::scalar_tensor(0.0)).empty());
}

TEST_CASE("tensor: numel multiplies the extents, the 0-d shape holds one element") {
  CHECK(tg::numel(Shape{}) == 1);
  CHECK(tg::numel(Shape{3}) == 3);
  CHECK(tg::numel(Shape{2, 3}) == 6);
  CHECK(tg::numel(Shape{2, 3, 4}) == 24);
  CHECK(tg::numel(Shape{2, 0, 4}) == 0);
}

TEST_CASE("tensor: scalar_tensor is a 0-d tensor holding one number") {
  const Tensor t = tg::scalar_tensor(2.5);
  CHECK(t.dimension() == 0);
  CHECK(t.size() == 1);
  CHECK(t() == 2.5);
  CHECK(tg::scalar_tensor(-0.125)() == -0.125);
}

TEST_CASE("tensor: filled gives the shape asked for, every element equal") {
  const Tensor t = tg::filled({2, 3}, 1.5);
  REQUIRE(tg::shape_of(t) == Shape{2, 3});
  for (double v : t) CHECK(v == 1.5);

  const Tensor s = tg::filled({}, -4.0);
  CHECK(s.dimension() == 0);
  CHECK(s() == -4.0);

  CHECK(tg::filled({0}, 1.0).size() == 0);
}

TEST_CASE("tensor: format_tensor prints nested brackets, NumPy-style") {
  CHECK(tg::format_tensor(tg::scalar_tensor(2.5)) == "2.5");
  CHECK(tg::format_tensor(Tensor{1.0, 2.0, 3.0}) == "[1, 2, 3]");
  CHECK(tg::format_tensor(Tensor{{1.0, 2.0}, {3.0, 4.0}}) == "[[1, 2], [3, 4]]");
  CHECK(tg::format_tensor(Tensor{{-0.5, 0.25, 3.0}}) == "[[-0.5, 0.25, 3]]");

  // A column (3, 1): axes of extent 1 must still print every row.
  Tensor col = Tensor::from_shape({3, 1});
  col(0, 0) = 1.0;
  col(1, 0) = 2.0;
  col(2, 0) = 3.0;
  CHECK(tg::format_tensor(col) == "[[1], [2], [3]]");

  // 3-D, shape (2, 1, 2).
  Tensor t3 = Tensor::from_shape({2, 1, 2});
  t3(0, 0, 0) = 1.0;
  t3(0, 0, 1) = 2.0;
  t3(1, 0, 0) = 3.0;
  t3(1, 0, 1) = 4.0;
  CHECK(tg::format_tensor(t3) == "[[[1, 2]], [[3, 4]]]");

  // (2, 3, 2) holding 1..12 in row-major order.
  Tensor t232 = Tensor::from_shape({2, 3, 2});
  for (std::size_t i = 0; i < 12; ++i) t232.data()[i] = static_cast<double>(i + 1);
  CHECK(tg::format_tensor(t232) == "[[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]");

  // Empty tensors print as empty brackets.
  CHECK(tg::format_tensor(Tensor::from_shape({0})) == "[]");
}

TEST_CASE("tensor: format_tensor honours the precision") {
  const Tensor pi{std::numbers::pi};
  CHECK(tg::format_tensor(pi) == "[3.14159]");  // 6 significant digits by default
  CHECK(tg::format_tensor(pi, 3) == "[3.14]");
  CHECK(tg::format_tensor(pi, 10) == "[3.141592654]");
}

TEST_CASE("tensor: format_tensor elides long tensors, showing the first numbers and the shape") {
  Tensor t = Tensor::from_shape({100});
  for (std::size_t i = 0; i < 100; ++i) t(i) = static_cast<double>(i);
  CHECK(tg::format_tensor(t) == "[0, 1, 2, 3, 4, 5, 6, 7, ...] shape (100)");

  Tensor m = Tensor::from_shape({10, 10});
  for (std::size_t i = 0; i < 100; ++i) m.data()[i] = static_cast<double>(i);
  CHECK(tg::format_tensor(m) == "[0, 1, 2, 3, 4, 5, 6, 7, ...] shape (10,10)");

  // Exactly max_elements (64 by default) is still printed in full.
  Tensor full = Tensor::from_shape({64});
  for (std::size_t i = 0; i < 64; ++i) full(i) = static_cast<double>(i);
  const std::string s = tg::format_tensor(full);
  CHECK(s.find("...") == std::string::npos);
  CHECK(s.rfind("[0, 1, 2", 0) == 0);
  CHECK(s.size() >= 4);
  CHECK(s.substr(s.size() - 4) == " 63]");

  // A smaller limit: fewer than 8 numbers shown.
  CHECK(tg::format_tensor(Tensor{1.0, 2.0, 3.0, 4.0}, 6, 3) == "[1, 2, 3, ...] shape (4)");
}

TEST_CASE("tensor: index_str turns a flat position into a row-major multi-index") {
  CHECK(tg::index_str({2, 3}, 0) == "(0,0)");
  CHECK(tg::index_str({2, 3}, 2) == "(0,2)");
  CHECK(tg::index_str({2, 3}, 4) == "(1,1)");
  CHECK(tg::index_str({2, 3}, 5) == "(1,2)");
  CHECK(tg::index_str({4}, 3) == "(3)");
  CHECK(tg::index_str({}, 0) == "()");
  // (2,3,4): flat 13 = 1·12 + 0·4 + 1;  flat 23 = 1·12 + 2·4 + 3.
  CHECK(tg::index_str({2, 3, 4}, 13) == "(1,0,1)");
  CHECK(tg::index_str({2, 3, 4}, 23) == "(1,2,3)");
}

TEST_CASE("tensor: normalize_axis accepts 0..rank-1 and -rank..-1") {
  const Shape s{2, 3};
  CHECK(tg::normalize_axis("sum", 0, s) == 0);
  CHECK(tg::normalize_axis("sum", 1, s) == 1);
  CHECK(tg::normalize_axis("sum", -1, s) == 1);
  CHECK(tg::normalize_axis("sum", -2, s) == 0);
  CHECK(tg::normalize_axis("max", -1, Shape{5}) == 0);
  CHECK(tg::normalize_axis("max", 2, Shape{2, 3, 4}) == 2);
  CHECK(tg::normalize_axis("max", -3, Shape{2, 3, 4}) == 0);
}

TEST_CASE("tensor: normalize_axis out of range names the op, the axis and the shape") {
  const Shape s{2, 3};
  CHECK_THROWS_AS(tg::normalize_axis("sum", 2, s), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::normalize_axis("sum", 2, s), "sum: axis 2 is out of range for shape (2,3)",
                       tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::normalize_axis("mean", -3, s), doctest::Contains("mean"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::normalize_axis("mean", -3, s), doctest::Contains("axis -3"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::normalize_axis("mean", -3, s), doctest::Contains("(2,3)"), tg::shape_error);
  // A 0-d tensor has no axis at all.
  CHECK_THROWS_WITH_AS(tg::normalize_axis("softmax", 0, Shape{}), doctest::Contains("()"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::normalize_axis("softmax", -1, Shape{}), doctest::Contains("softmax"),
                       tg::shape_error);
}

TEST_CASE("tensor: column builds an (n,1) column vector, as in Nielsen's notation") {
  const tg::Tensor c = tg::column({1.0, -2.0, 3.5});
  CHECK(c.shape() == std::vector<std::size_t>{3, 1});
  CHECK(c(1, 0) == -2.0);
  CHECK(tg::column({}).shape() == std::vector<std::size_t>{0, 1});
}

TEST_CASE("tensor helpers: bad arguments are clear errors") {
  using tg::test::BadInput;
  tg::test::check_bad_inputs({
      {"index_str: a flat index past the end",
       [] {
         (void)tg::index_str({2, 3}, 6);
       },
       TG_ERROR(std::out_of_range), "index_str: flat index 6 is out of range for shape (2,3) (6 elements)"},
      {"index_str: a shape with no elements",
       [] {
         (void)tg::index_str({2, 0}, 0);
       },
       TG_ERROR(std::out_of_range), "index_str: flat index 0 is out of range for shape (2,0) (0 elements)"},
      {"format_tensor: a negative precision",
       [] {
         (void)tg::format_tensor(Tensor{1.0, 2.0}, -1);
       },
       TG_ERROR(std::invalid_argument), "format_tensor: precision must be ≥ 0 (significant digits), got -1"},
      {"normalize_axis: far below −rank",
       [] {
         (void)tg::normalize_axis("sum", -100, Shape{2, 3});
       },
       TG_ERROR(tg::shape_error), "sum: axis -100 is out of range for shape (2,3)"},
  });
}
