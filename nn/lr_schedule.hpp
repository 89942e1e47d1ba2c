// A learning-rate schedule: η decayed by a factor F every N epochs (a step decay; PyTorch's
// StepLR(step_size=N, gamma=F) with scheduler.step() after each epoch; Nielsen ch. 3's
// "learning rate schedule"):
//
//   η_e = η₀ · F^⌊(e − 1)/N⌋        for epoch e = 1, 2, ...
//
// e.g. η₀ = 0.001, F = 0.5, N = 3: 0.001 in epochs 1–3, 0.0005 in 4–6, 0.00025 in 7–9, ...
// η_e is computed from e alone (no state), so a run resumed after epoch k uses the same η in
// every later epoch as one that never stopped, bit for bit.
// The η are StepLR's; the steps are PyTorch's with Sgd and Adam (η outside the running averages),
// not with Momentum, whose velocity v ← μv − ηg keeps the old η's steps after a decay where
// PyTorch's SGD (b ← μb + g, θ ← θ − ηb) scales its whole step by F at once.
#pragma once

#include <cstddef>
#include <string>

namespace tg::nn {

struct StepDecay {
  double factor = 1.0;    // F ∈ (0, 1]: 1 keeps η fixed
  std::size_t every = 1;  // N ≥ 1 epochs between decays
};

// F in (0, 1] and N ≥ 1, else std::invalid_argument naming `who` and the value.
void check_step_decay(const StepDecay& d, const char* who);

// η_e = η₀ · F^⌊(e − 1)/N⌋ for epoch e ≥ 1 (std::invalid_argument for e = 0 or a bad decay).
// F^k by std::pow (PyTorch's StepLR multiplies η by F at each decay instead: the same to rounding).
// May underflow to 0 after many decays: see first_vanishing_epoch.
double scheduled_learning_rate(double eta0, const StepDecay& d, std::size_t epoch);

// The first epoch ≤ last in which η_e is 0 (F^k below the smallest double), or 0 if none is.
std::size_t first_vanishing_epoch(double eta0, const StepDecay& d, std::size_t last);

// "×0.5 every 3 epochs" ("every epoch" for N = 1).
std::string describe(const StepDecay& d);

}  // namespace tg::nn
