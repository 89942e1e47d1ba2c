// Exercise 07, a plausible wrong answer: no zero_grad between steps. backward adds to θ.grad(),
// so step k uses the sum of the gradients of steps 1..k: the first step is right, then each
// step is larger and older.
// (The handout test, exercises/test_handout.sh, grades it: it must score less.)
#include "nn/batches.hpp"          // epoch_generator, make_batches
#include "nn/column_gatherer.hpp"  // select_columns
#include "nn/metrics.hpp"          // evaluate_cost
#include "training_loop.hpp"

namespace tg::exercises {

std::vector<double> train_by_hand(nn::Mlp& net, const Tensor& X, const Tensor& Y, const nn::Cost& cost,
                                  nn::Optimizer& opt, std::size_t batch_size, std::size_t epochs,
                                  std::uint64_t shuffle_seed) {
  std::vector<double> loss;
  for (std::size_t epoch = 1; epoch <= epochs; ++epoch) {
    std::mt19937_64 rng = nn::epoch_generator(shuffle_seed, epoch);
    for (const std::vector<std::size_t>& batch : nn::make_batches(X.shape()[1], batch_size, true, rng)) {
      // the slip: no opt.zero_grad() here
      const Variable Xb(nn::select_columns(X, batch));
      nn::cost(cost, net, net.forward_trace(Xb), nn::select_columns(Y, batch))
          .backward();  // θ.grad() += ∂C_B/∂θ
      opt.step();       // θ ← θ + Δθ, e.g. θ − η ∂C_B/∂θ
    }
    loss.push_back(nn::evaluate_cost(net, X, Y, cost));
  }
  return loss;
}

}  // namespace tg::exercises
