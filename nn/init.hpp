// Weight initialisers. Biases are drawn N(0, 1) in Nielsen's chapter 1 and start at 0 otherwise.
// A seed gives the same numbers with libstdc++ and libc++ (the WebAssembly lab): the normal and
// uniform draws are written out as libstdc++'s std::normal_distribution and
// std::uniform_real_distribution compute them (nn/init.cpp).
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "autodiff/tensor.hpp"

namespace tg::nn {

enum class Init {
  normal,         // w ~ N(0, 1), b ~ N(0, 1)            (Nielsen, chapter 1)
  scaled_normal,  // w ~ N(0, 1/n_in), b ~ N(0, 1)       (Nielsen, chapter 3: std 1/√n_in)
  xavier,         // w ~ U(±√(6/(n_in+n_out))), b = 0    (Glorot & Bengio)
  he,             // w ~ N(0, 2/n_in), b = 0             (He et al., for relu)
};

std::string to_string(Init init);
Init parse_init(const std::string& name);

// W^l: (n_out, n_in) and b^l: (n_out, 1) drawn from `rng` as `init` says.
Tensor init_weights(Init init, std::size_t n_out, std::size_t n_in, std::mt19937_64& rng);
Tensor init_biases(Init init, std::size_t n_out, std::mt19937_64& rng);

}  // namespace tg::nn
