#include "cli/worked_example.hpp"

#include <vector>

#include "cli/synthetic_set.hpp"

namespace tg::cli {

WorkedExample worked_example(const ModelOptions& options) {
  std::vector<nn::Linear> layers;
  layers.emplace_back(Tensor{{0.15, 0.20}, {0.25, 0.30}},
                      column({0.35, 0.35}));                  // W^2, b^2 (the seed's W^[1], b^[1])
  layers.emplace_back(Tensor{{0.40, 0.45}}, column({0.60}));  // W^3, b^3 (W^[2], b^[2])
  ModelOptions model = options;
  if (!model.cost) model.cost = nn::CostKind::cross_entropy;
  DataOptions xor_set;
  xor_set.name = "xor";
  DataSet set = *synthetic_data_set(xor_set);  // seed 002's task: the cost's defaults
  nn::Cost cost = build_cost(model, set);
  return {Problem{nn::Mlp(std::move(layers), nn::Activation::sigmoid, nn::Activation::sigmoid),
                  std::move(set), cost},
          column({0.05, 0.10}), column({1.0})};
}

}  // namespace tg::cli
