// `tapegrad train --layers`: a network of layers (nn::Network) in one short description, and
// the named ones `--model` gives. The grammar, one token per layer, separated by commas:
//
//   conv:FxK[xK'][:sS][:pP][:ACT]   F kernels K×K' (K' = K when left out), stride S (default 1),
//                                   zero padding P (default 0), σ = ACT (default --hidden)
//   pool:K[:sS]  maxpool:K[:sS]     the max of K×K windows S apart (default S = K)
//   avgpool:K[:sS]                  their average
//   fc:N[:ACT]                      N fully connected neurons, σ = ACT (default --hidden)
//   ACT:N                           the output layer: N neurons, σ = ACT (softmax:10); last, once
//
// e.g. conv:20x5x5,pool:2,fc:100,softmax:10. The images' maps are flattened before the first
// fc or output layer that follows a conv or pool layer (nn::Flatten).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nn/activation.hpp"
#include "nn/init.hpp"
#include "nn/network.hpp"
#include "nn/pooling.hpp"

namespace tg::cli {

struct LayerSpec {
  enum class Kind { conv, pool, fc, output };
  Kind kind = Kind::fc;
  std::string token;                         // as written, for messages
  std::size_t size = 0;                      // conv: kernels F; fc, output: neurons; pool: K
  std::size_t kernel_h = 0, kernel_w = 0;    // conv: K×K'
  std::size_t stride = 0, padding = 0;       // conv (stride 1), pool (stride K) when not given
  nn::Pool pool = nn::Pool::max;             // pool
  std::optional<nn::Activation> activation;  // conv, fc: their own σ; output: always given
};

// The layers of a description (std::invalid_argument naming the token, its number and what was
// expected there: "token 2 'pol:2' is not a layer: expected conv:..., pool:K, ...").
std::vector<LayerSpec> parse_layers(const std::string& text);

// The networks --model names, with their descriptions: lenet (Nielsen's chapter 6 network).
const std::vector<std::pair<std::string, std::string>>& named_models();
// The description of a named model (std::invalid_argument listing the names for another).
std::string named_model(const std::string& name);

// The network a description gives for examples of shape `input` ((C, H, W) images or (N)):
// layers without σ of their own take `hidden`; weights drawn from `seed` with `init`, or else
// He for relu layers and N(0, 1/n_in) for the others. A conv or pool layer on examples that
// are not images, an output layer of another size than `outputs`, a kernel larger than its
// input: std::invalid_argument naming `option` (--layers, --model lenet) and the token; weights
// that would not fit in memory, nn::memory_error before they are drawn.
nn::Network build_layers(const std::vector<LayerSpec>& layers, const Shape& input, std::size_t outputs,
                         nn::Activation hidden, std::optional<nn::Init> init, std::uint64_t seed,
                         const std::string& option);

}  // namespace tg::cli
