// Exercise 02, the reference solution (graded with scripts/grade.sh --solutions).
#include "sum_to.hpp"

namespace tg::exercises {

// Each element of g adds into the element of x it is a copy of: its index with the leading
// (missing) axes dropped and 0 on the axes where x has extent 1.
Tensor sum_to_shape(const Tensor& g, const Shape& shape) {
  const Shape to = shape_of(g);
  const std::size_t lead = to.size() - shape.size();
  Tensor out = filled(shape, 0.0);
  for (std::size_t flat = 0; flat < g.size(); ++flat) {
    std::size_t rest = flat, target = 0, stride = 1;
    for (std::size_t d = to.size(); d-- > lead;) {  // x's axes, from the last
      const std::size_t i = rest % to[d], extent = shape[d - lead];
      target += (extent == 1 ? 0 : i) * stride;
      stride *= extent;
      rest /= to[d];
    }
    out.data()[target] += g.data()[flat];
  }
  return out;
}

}  // namespace tg::exercises
