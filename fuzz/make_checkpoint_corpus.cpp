// Writes the seed corpus of fuzz_checkpoint: small checkpoints saved by save_checkpoint itself
// (with and without an optimizer's state and extra notes), each directory's files framed as
// fuzz/checkpoint_files.hpp describes, checkpoint.json first. fuzz/make_corpus.sh runs it:
//
//   make_checkpoint_corpus OUT_DIR
#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "fuzz/checkpoint_files.hpp"
#include "nn/checkpoint.hpp"
#include "nn/optimizer.hpp"
#include "tests/support/files.hpp"

namespace fs = std::filesystem;
using namespace tg::nn;
using tg::fuzz::File;

namespace {

// Saves net (and opt, after `steps` steps with a fixed gradient) into a fresh directory and
// returns its files, checkpoint.json first, the .npy files by name.
std::vector<File> saved_files(const Mlp& net, const CheckpointExtra& extra, Optimizer* opt, int steps) {
  std::string name = (fs::temp_directory_path() / "tapegrad-checkpoint-corpus-XXXXXX").string();
  if (::mkdtemp(name.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  const fs::path dir = name;
  if (opt)
    for (int i = 0; i < steps; ++i) {
      std::vector<tg::Tensor> grads;
      for (const tg::Variable& p : opt->parameters()) grads.push_back(tg::filled(p.shape(), 0.25 * (i + 1)));
      opt->step(grads);
    }
  save_checkpoint(net, dir, extra, opt);

  std::vector<File> files{{"checkpoint.json", tg::test::read_file(dir / "checkpoint.json")}};
  std::vector<std::string> npy;
  for (const fs::directory_entry& e : fs::directory_iterator(dir))
    if (e.path().filename() != "checkpoint.json") npy.push_back(e.path().filename().string());
  std::sort(npy.begin(), npy.end());
  for (const std::string& n : npy) files.emplace_back(n, tg::test::read_file(dir / n));
  fs::remove_all(dir);
  return files;
}

void write_seed(const fs::path& out, const std::string& name, const std::vector<File>& files) {
  const std::string bytes = tg::fuzz::join_files(files);
  if (tg::fuzz::split_files(bytes) != files)  // a file holding "\n==> " would be cut in two
    throw std::runtime_error(name + ": the framing does not read back the same files");
  std::ofstream f(out / name, std::ios::binary | std::ios::trunc);
  f << bytes;
  f.close();
  if (!f) throw std::runtime_error("cannot write " + (out / name).string());
  std::printf("%-22s %5zu bytes, %zu files\n", name.c_str(), bytes.size(), files.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_checkpoint_corpus OUT_DIR\n");
    return 2;
  }
  const fs::path out = argv[1];
  fs::create_directories(out);
  using A = Activation;

  // No optimizer, no notes: the smallest network.
  const Mlp one(std::vector<std::size_t>{2, 1}, A::sigmoid, A::sigmoid, 1);
  write_seed(out, "net_2_1", saved_files(one, {}, nullptr, 0));

  // A hidden layer, softmax output, the notes `tapegrad train --save` keeps.
  const Mlp moons(std::vector<std::size_t>{2, 3, 2}, A::tanh, A::softmax, 2);
  write_seed(out, "net_2_3_2_notes",
             saved_files(moons, {{"data", "moons"}, {"epoch", "3"}, {"optimizer", "sgd"}}, nullptr, 0));

  // Each optimizer's state: SGD's (none), momentum's velocity, Adam's two moments.
  const Mlp tiny(std::vector<std::size_t>{1, 1}, A::identity, A::identity, 5);
  Sgd sgd(tiny.parameters(), 0.1);
  write_seed(out, "net_1_1_sgd", saved_files(tiny, {}, &sgd, 1));

  const Mlp relu(std::vector<std::size_t>{1, 2, 1}, A::relu, A::identity, 4, Init::he);
  Momentum momentum(relu.parameters(), 0.1, 0.9);
  write_seed(out, "net_1_2_1_momentum", saved_files(relu, {{"epoch", "1"}}, &momentum, 2));

  const Mlp small(std::vector<std::size_t>{2, 1}, A::sigmoid, A::identity, 3);
  Adam adam(small.parameters(), 0.01);
  write_seed(out, "net_2_1_adam", saved_files(small, {{"epoch", "2"}}, &adam, 2));
  return 0;
}
