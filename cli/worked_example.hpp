// The worked examples: seed 002's network, its one example and its cost, for `tapegrad explain
// --worked-example`, `tapegrad graph --worked-example` and the lab's preset (lab/); and a small
// conv network on one image, for `tapegrad explain --conv-example` (docs/conv.md).
#pragma once

#include "cli/model.hpp"
#include "nn/network.hpp"

namespace tg::cli {

// Seed 002's 2-2-1 sigmoid network with cli/demo.cpp's weights (W^2 = [[.15,.20],[.25,.30]],
// b^2 = (.35,.35), W^3 = [.40,.45], b^3 = .60) and its one example x = (.05, .10), y = 1; the
// cost is cross-entropy unless the options name another.   x: (2, 1), y: (1, 1)
struct WorkedExample {
  Problem problem;
  Tensor x, y;
};
WorkedExample worked_example(const ModelOptions& model);

// docs/conv.md's worked example, small enough to follow by hand: one 5×5 image x, one 2×2
// kernel with ReLU (conv:1x2x2:relu, 4×4 map), max pooling 2×2 (2×2), flatten and a softmax
// layer of 2, y = (1, 0); the cost is the log-likelihood unless the options name another.
struct WorkedConvExample {
  nn::Network net;
  nn::Cost cost;
  Tensor x, y;  // x: (25, 1), the image row by row; y: (2, 1)
};
WorkedConvExample worked_conv_example(const ModelOptions& model);

}  // namespace tg::cli
