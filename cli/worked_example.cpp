#include "cli/worked_example.hpp"

#include <memory>
#include <vector>

#include "cli/synthetic_set.hpp"
#include "nn/conv_layer.hpp"
#include "nn/flatten_layer.hpp"
#include "nn/fully_connected.hpp"
#include "nn/pool_layer.hpp"

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

WorkedConvExample worked_conv_example(const ModelOptions& options) {
  // clang-format off
  const Tensor image{{0.1, 0.5, 0.9, 0.3, 0.2},
                     {0.4, 0.8, 0.6, 0.1, 0.7},
                     {0.2, 0.3, 1.0, 0.5, 0.0},
                     {0.9, 0.6, 0.4, 0.2, 0.8},
                     {0.5, 0.1, 0.7, 0.9, 0.3}};
  const Tensor kernel{{{{0.5, -0.5},
                        {0.3,  0.2}}}};  // w^2 (1,1,2,2)
  const Tensor W{{ 0.2, -0.3, 0.4, 0.1},
                 {-0.1,  0.5, -0.2, 0.3}};  // W^5 (2,4)
  // clang-format on
  std::vector<std::unique_ptr<nn::Layer>> layers;
  layers.push_back(
      std::make_unique<nn::Conv>(Shape{1, 5, 5}, kernel, Tensor{0.1}, 1, 0, nn::Activation::relu));
  layers.push_back(std::make_unique<nn::Pooling>(Shape{1, 4, 4}, nn::Pool::max, 2, 2));
  layers.push_back(std::make_unique<nn::Flatten>(Shape{1, 2, 2}));
  layers.push_back(
      std::make_unique<nn::FullyConnected>(nn::Linear(W, column({0.0, 0.1})), nn::Activation::softmax));
  ModelOptions model = options;
  if (!model.cost) model.cost = nn::CostKind::log_likelihood;
  DataOptions xor_set;
  xor_set.name = "xor";
  const nn::Cost cost = build_cost(model, *synthetic_data_set(xor_set));  // as seed 002's example
  Tensor x = image;
  x.reshape({25, 1});
  return {nn::Network({1, 5, 5}, std::move(layers)), cost, std::move(x), column({1.0, 0.0})};
}

}  // namespace tg::cli
