// Exercise 02, a plausible wrong answer: the leading axes are summed, but on an axis where x has
// extent 1 only the first copy's gradient is kept (the others are dropped), a summation gradient
// that passes a test whose shapes never have such an axis (dlsyscourse/hw1 issue #15).
#include "sum_to.hpp"

namespace tg::exercises {

Tensor sum_to_shape(const Tensor& g, const Shape& shape) {
  const Shape to = shape_of(g);
  const std::size_t lead = to.size() - shape.size();
  Tensor out = filled(shape, 0.0);
  for (std::size_t flat = 0; flat < g.size(); ++flat) {
    std::size_t rest = flat, target = 0, stride = 1;
    bool first_copy = true;
    for (std::size_t d = to.size(); d-- > lead;) {
      const std::size_t i = rest % to[d], extent = shape[d - lead];
      if (extent == 1 && i > 0) first_copy = false;  // the slip: only copy 0 counts
      target += (extent == 1 ? 0 : i) * stride;
      stride *= extent;
      rest /= to[d];
    }
    if (first_copy) out.data()[target] += g.data()[flat];
  }
  return out;
}

}  // namespace tg::exercises
