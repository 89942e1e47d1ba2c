// libFuzzer target for the checkpoint loader (nn/checkpoint.cpp) and the .npy reader under it
// (nn/npy.cpp). The input is a checkpoint directory's files in the format of
// fuzz/checkpoint_files.hpp ("==> checkpoint.json <==" and so on); they are written into one
// scratch directory per process, replacing the previous input's, and loaded from there with
// load_checkpoint, load_checkpoint_extra and load_optimizer_state (SGD, momentum and Adam, each
// built for the loaded network). Each file is also decoded from memory with decode_npy.
//
// What must hold: a damaged checkpoint throws what checkpoint.hpp documents (checkpoint_error,
// npy_error, tg::shape_error) and nothing else; what loads is consistent (the shapes chain as
// the sizes say, a restored optimizer state fits the parameters and can take a step); a decoded
// .npy encodes and decodes back to the same numbers. Any other exception, a crash, a leak,
// undefined behaviour or an allocation beyond libFuzzer's -malloc_limit_mb is a bug.
//
//   fuzz/run.sh [seconds]     builds this with clang and runs it on a copy of fuzz/corpus/checkpoint
#include <stdlib.h>  // mkdtemp

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "fuzz/checkpoint_files.hpp"
#include "nn/checkpoint.hpp"
#include "nn/npy.hpp"
#include "nn/optimizer.hpp"

namespace fs = std::filesystem;
using namespace tg::nn;
using tg::Tensor;
using tg::fuzz::File;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

// Runs f; the exceptions the loader documents are expected, anything else escapes to libFuzzer.
template <class F>
void documented_errors_only(F f) {
  try {
    f();
  } catch (const checkpoint_error&) {
  } catch (const npy_error&) {
  } catch (const tg::shape_error&) {
  }
}

// The checkpoint directory, under $TMPDIR (fuzz/run.sh points it into build-fuzz); created once
// per process, its files replaced for every input, removed at exit.
class Scratch {
 public:
  Scratch() {
    std::string name = (fs::temp_directory_path() / "tapegrad-fuzz-checkpoint-XXXXXX").string();
    require(::mkdtemp(name.data()) != nullptr);
    dir_ = name;
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  const fs::path& dir() const { return dir_; }

  void write(const std::vector<File>& files) {
    std::error_code ec;
    for (const std::string& name : written_) fs::remove(dir_ / name, ec);
    written_.clear();
    for (const auto& [name, bytes] : files) {
      std::ofstream out(dir_ / name, std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      out.close();
      require(out.good());
      written_.push_back(name);
    }
  }

 private:
  fs::path dir_;
  std::vector<std::string> written_;
};

bool same_bytes(const Tensor& a, const Tensor& b) {
  return tg::shape_of(a) == tg::shape_of(b) &&
         (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

// A network that loaded: L >= 2 layers whose shapes chain as its sizes say.
void check_network(const Mlp& net) {
  const auto& sizes = net.sizes();
  require(sizes.size() >= 2 && net.num_layers() == sizes.size());
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    require(tg::shape_of(net.layer(l).W.value()) == tg::Shape{sizes[l - 1], sizes[l - 2]});
    require(tg::shape_of(net.layer(l).b.value()) == tg::Shape{sizes[l - 1], 1});
  }
  require(net.parameters().size() == 2 * (sizes.size() - 1));
}

// A state restored into opt fits its parameters, and a step from it goes through.
void check_restored(Optimizer& opt) {
  const std::vector<tg::Variable>& params = opt.parameters();
  std::vector<Tensor> zeros;
  for (const auto& [slot, tensors] : opt.state()) {
    require(tensors.size() == params.size());
    for (std::size_t i = 0; i < params.size(); ++i) require(tg::shape_of(tensors[i]) == params[i].shape());
  }
  for (const tg::Variable& p : params) zeros.push_back(tg::filled(p.shape(), 0.0));
  opt.step(zeros);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Scratch scratch;
  const std::vector<File> files =
      tg::fuzz::split_files(std::string_view(reinterpret_cast<const char*>(data), size));

  // The .npy reader from memory, on every file: what decodes encodes and decodes back.
  for (const File& file : files) {
    std::optional<Tensor> t;
    documented_errors_only([&] { t = decode_npy(file.second, file.first); });
    if (t) require(same_bytes(decode_npy(encode_npy(*t), file.first), *t));
  }

  // The loaders, from the directory.
  scratch.write(files);
  const fs::path& dir = scratch.dir();
  documented_errors_only([&] { (void)load_checkpoint_extra(dir); });
  std::optional<Mlp> net;
  documented_errors_only([&] { net.emplace(load_checkpoint(dir)); });
  if (!net) return 0;
  // What loaded is checked outside documented_errors_only: a shape_error there would be a bug.
  check_network(*net);
  std::vector<std::unique_ptr<Optimizer>> optimizers;
  optimizers.push_back(std::make_unique<Sgd>(net->parameters(), 0.1));
  optimizers.push_back(std::make_unique<Momentum>(net->parameters(), 0.1, 0.9));
  optimizers.push_back(std::make_unique<Adam>(net->parameters(), 1e-3));
  for (const auto& opt : optimizers) {
    bool restored = false;
    documented_errors_only([&] { restored = load_optimizer_state(dir, *opt); });
    if (restored) check_restored(*opt);
  }
  return 0;
}
