// Checkpoints (nn/checkpoint.cpp) and the .npy reader/writer under them (nn/npy.cpp):
// round trips, atomic saves under injected failures, and a clear error for every kind of bad file.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "nn/checkpoint.hpp"
#include "nn/checkpoint_lock.hpp"
#include "nn/posix_file.hpp"
#include "nn/train.hpp"
#include "support/bad_input.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"
#include "support/random.hpp"

using tg::Shape;
using tg::Tensor;
using tg::Variable;
using namespace tg::nn;
using tg::test::file_names;
using tg::test::read_file;
using tg::test::write_file;
namespace fs = std::filesystem;

namespace {

// A temporary directory for each test.
struct TempDir : tg::test::TempDir {
  TempDir() : tg::test::TempDir("checkpoint") {}
};

// Turns the fault-injection seam on for one scope.
struct FailAtStep {
  explicit FailAtStep(std::size_t n) { tg::nn::detail::checkpoint_fail_at_step = n; }
  ~FailAtStep() { tg::nn::detail::checkpoint_fail_at_step = 0; }
};

// The one file in dir whose name starts with prefix, e.g. "W2." -> W2.g1.npy.
fs::path find_file(const fs::path& dir, const std::string& prefix) {
  fs::path found;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().rfind(prefix, 0) == 0) {
      REQUIRE(found.empty());
      found = entry.path();
    }
  REQUIRE(!found.empty());
  return found;
}

bool same_net(const Mlp& a, const Mlp& b) {
  if (a.sizes() != b.sizes() || a.hidden() != b.hidden() || a.output() != b.output()) return false;
  for (std::size_t l = 2; l <= a.num_layers(); ++l)
    if (a.layer(l).W.value() != b.layer(l).W.value() || a.layer(l).b.value() != b.layer(l).b.value())
      return false;
  return true;
}

// A checkpoint written by hand: checkpoint.json with `json` and the given .npy files.
void write_checkpoint(const fs::path& dir, const std::string& json,
                      const std::vector<std::pair<std::string, Tensor>>& files) {
  write_file(dir / "checkpoint.json", json);
  for (const auto& [name, t] : files) write_npy(dir / name, t);
}

// sizes [2, 3, 1] with W^3 of shape (1, 4): the layers do not chain.
constexpr const char* unchained_json = R"({
  "format": "tapegrad-mlp-checkpoint", "version": 1, "sizes": [2, 3, 1],
  "hidden_activation": "tanh", "output_activation": "identity",
  "layers": [
    {"layer": 2, "W": {"file": "W2.npy", "shape": [3, 2]}, "b": {"file": "b2.npy", "shape": [3, 1]}},
    {"layer": 3, "W": {"file": "W3.npy", "shape": [1, 4]}, "b": {"file": "b3.npy", "shape": [1, 1]}}
  ]
})";

}  // namespace

TEST_CASE("checkpoint: a saved network loads back identical, and computes the same outputs") {
  TempDir tmp;
  const fs::path dir = tmp.path / "run";  // created by the save
  const Mlp net({4, 5, 3, 2}, Activation::tanh, Activation::softmax, 11);
  save_checkpoint(net, dir, {{"epoch", "12"}, {"note", "after the learning-rate drop"}});

  const Mlp loaded = load_checkpoint(dir);
  CHECK(loaded.sizes() == std::vector<std::size_t>{4, 5, 3, 2});
  CHECK(loaded.hidden() == Activation::tanh);
  CHECK(loaded.output() == Activation::softmax);
  for (std::size_t l = 2; l <= 4; ++l) {
    CAPTURE(l);
    CHECK(loaded.layer(l).W.value() == net.layer(l).W.value());  // bit for bit
    CHECK(loaded.layer(l).b.value() == net.layer(l).b.value());
    CHECK(loaded.layer(l).W.requires_grad());  // ready to train on
  }
  const Variable X(tg::test::random_tensor({4, 7}, tg::test::Domain::any, 3));
  CHECK(loaded.forward(X).value() == net.forward(X).value());

  CHECK(load_checkpoint_extra(dir) ==
        CheckpointExtra{{"epoch", "12"}, {"note", "after the learning-rate drop"}});
  CHECK(file_names(dir) == std::set<std::string>{"checkpoint.json", "checkpoint.lock", "W2.g1.npy",
                                                 "b2.g1.npy", "W3.g1.npy", "b3.g1.npy", "W4.g1.npy",
                                                 "b4.g1.npy"});
  // Each .npy file stands alone: W^3 is (N^3, N^2) = (3, 5).
  CHECK(read_npy(dir / "W3.g1.npy") == net.layer(3).W.value());
  const std::string json = read_file(dir / "checkpoint.json");
  CHECK(json.find("\"format\": \"tapegrad-mlp-checkpoint\"") != std::string::npos);
  CHECK(json.find("\"hidden_activation\": \"tanh\"") != std::string::npos);
}

TEST_CASE("checkpoint: saving again replaces the checkpoint and keeps one generation of files") {
  TempDir tmp;
  const Mlp first({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  const Mlp second({3, 4, 2}, Activation::relu, Activation::identity, 2);
  const Mlp third({3, 2}, Activation::sigmoid, Activation::identity, 3);  // a different architecture
  save_checkpoint(first, tmp.path);
  save_checkpoint(second, tmp.path);
  CHECK(same_net(load_checkpoint(tmp.path), second));
  CHECK(file_names(tmp.path) == std::set<std::string>{"checkpoint.json", "checkpoint.lock", "W2.g2.npy",
                                                      "b2.g2.npy", "W3.g2.npy", "b3.g2.npy"});
  save_checkpoint(third, tmp.path);
  CHECK(same_net(load_checkpoint(tmp.path), third));
  CHECK(file_names(tmp.path) ==
        std::set<std::string>{"checkpoint.json", "checkpoint.lock", "W2.g3.npy", "b2.g3.npy"});
  CHECK(load_checkpoint_extra(tmp.path).empty());
}

TEST_CASE("checkpoint: a save that fails at any step leaves the previous checkpoint loadable and unchanged") {
  TempDir tmp;
  const Mlp old_net({3, 4, 2}, Activation::sigmoid, Activation::softmax, 1);
  const Mlp new_net({3, 5, 2}, Activation::tanh, Activation::identity, 2);
  save_checkpoint(old_net, tmp.path, {{"epoch", "1"}});

  std::size_t failures = 0, committed = 0;
  for (std::size_t step = 1;; ++step) {
    CAPTURE(step);
    const std::set<std::string> old_files = file_names(tmp.path);
    const std::string old_json = read_file(tmp.path / "checkpoint.json");
    bool failed = false;
    {
      FailAtStep fault(step);
      try {
        save_checkpoint(new_net, tmp.path, {{"epoch", "2"}});
      } catch (const checkpoint_error& e) {
        failed = true;
        CHECK(std::string(e.what()).find("No space left on device") != std::string::npos);
        CHECK(std::string(e.what()).find(tmp.path.string()) != std::string::npos);
      }
    }
    if (!failed) break;  // every step has been failed once
    ++failures;
    const Mlp loaded = load_checkpoint(tmp.path);
    if (same_net(loaded, old_net)) {
      // Not committed: the directory is exactly as it was, the new files removed again.
      CHECK(file_names(tmp.path) == old_files);
      CHECK(read_file(tmp.path / "checkpoint.json") == old_json);
      CHECK(load_checkpoint_extra(tmp.path) == CheckpointExtra{{"epoch", "1"}});
    } else {
      // Only the directory's fsync after the rename comes after the commit: then the new
      // checkpoint is in place, whole.
      CHECK(same_net(loaded, new_net));
      ++committed;
      save_checkpoint(old_net, tmp.path, {{"epoch", "1"}});  // start the next step from the old one again
    }
  }
  // 4 .npy files and the JSON × (open, write, fsync, close), the directory's (open, fsync), the
  // rename; after the commit, the directory's (open, fsync) again.
  CHECK(failures == 25);
  CHECK(committed == 2);
  // The directory still takes saves, and they clean up after the failed ones.
  save_checkpoint(new_net, tmp.path);
  CHECK(same_net(load_checkpoint(tmp.path), new_net));
  CHECK(file_names(tmp.path).size() == 6);
}

TEST_CASE(
    "checkpoint: a save killed half-way leaves files that neither hurt loading nor outlive the next start") {
  TempDir tmp;
  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  save_checkpoint(net, tmp.path);
  // What saves killed before their rename leave: a new generation's files, half-written JSON
  // (under a unique name, and under the fixed name older versions used).
  const std::set<std::string> committed = file_names(tmp.path);
  write_file(tmp.path / "W2.g2.npy", encode_npy(Tensor::from_shape({4, 3})).substr(0, 100));
  write_file(tmp.path / "m.b3.g7.npy", "x");
  write_file(tmp.path / "checkpoint.json.Ab3xY9.tmp", "{\"format\": \"tapegrad-ml");
  write_file(tmp.path / "checkpoint.json.tmp", "{\"format\": \"tapegrad-ml");
  // A user's own files, some looking like ours: they stay.
  const std::set<std::string> users{"notes.txt", "checkpoint.json.mine.tmp", "W2.g9.npy.bak",
                                    "checkpoint.json.Ab3xY9.tmp~"};
  for (const std::string& name : users) write_file(tmp.path / name, "a user's own file");
  CHECK(same_net(load_checkpoint(tmp.path), net));

  // The next start of a run that will save here clears them, before any save.
  prepare_checkpoint_directory(tmp.path);
  std::set<std::string> expected = committed;
  expected.insert(users.begin(), users.end());
  CHECK(file_names(tmp.path) == expected);
  CHECK(same_net(load_checkpoint(tmp.path), net));

  // A save clears them too, and then writes generation 2.
  write_file(tmp.path / "W2.g2.npy", "x");
  write_file(tmp.path / "checkpoint.json.Zz09aa.tmp", "{");
  save_checkpoint(net, tmp.path);
  CHECK(same_net(load_checkpoint(tmp.path), net));
  expected = {"checkpoint.json", "checkpoint.lock", "W2.g2.npy", "b2.g2.npy", "W3.g2.npy", "b3.g2.npy"};
  expected.insert(users.begin(), users.end());
  CHECK(file_names(tmp.path) == expected);
}

TEST_CASE("checkpoint: with a checkpoint.json that does not parse, no generation's files are removed") {
  TempDir tmp;
  const Mlp net({3, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  save_checkpoint(net, tmp.path);
  write_file(tmp.path / "checkpoint.json", "{ damaged");
  write_file(tmp.path / "W2.g5.npy", "x");
  const std::set<std::string> before = file_names(tmp.path);
  prepare_checkpoint_directory(tmp.path);
  CHECK(file_names(tmp.path) == before);
}

TEST_CASE(
    "checkpoint: prepare_checkpoint_directory checks a missing directory without creating it, and names what stops it") {
  TempDir tmp;
  prepare_checkpoint_directory(tmp.path / "new" / "ckpt");
  CHECK(file_names(tmp.path).empty());
  prepare_checkpoint_directory("relative-ckpt");
  CHECK(!fs::exists("relative-ckpt"));
  write_file(tmp.path / "plain_file", "not a directory");
  CHECK_THROWS_WITH_AS(
      prepare_checkpoint_directory(tmp.path / "plain_file"),
      doctest::Contains(
          fmt::format("'{}' exists and is not a directory", (tmp.path / "plain_file").string()).c_str()),
      checkpoint_error);
  CHECK_THROWS_WITH_AS(prepare_checkpoint_directory(tmp.path / "plain_file" / "ckpt"),
                       doctest::Contains("cannot create directory"), checkpoint_error);
  fs::create_directories(tmp.path / "odd" / "checkpoint.lock");
  CHECK_THROWS_WITH_AS(prepare_checkpoint_directory(tmp.path / "odd"), doctest::Contains("checkpoint.lock"),
                       checkpoint_error);
}

TEST_CASE("checkpoint: an unwritable directory is a clear error naming the path") {
  TempDir tmp;
  write_file(tmp.path / "plain_file", "not a directory");
  const Mlp net({2, 1}, Activation::sigmoid, Activation::sigmoid, 1);
  // Tests run as root, whom permission bits do not stop; a path under a regular file stops anyone.
  CHECK_THROWS_WITH_AS(save_checkpoint(net, tmp.path / "plain_file" / "ckpt"),
                       doctest::Contains("save_checkpoint: cannot create directory"), checkpoint_error);
  CHECK_THROWS_WITH_AS(save_checkpoint(net, tmp.path / "plain_file" / "ckpt"),
                       doctest::Contains((tmp.path / "plain_file" / "ckpt").string().c_str()),
                       checkpoint_error);
  CHECK_THROWS_WITH_AS(save_checkpoint(net, tmp.path / "plain_file"), doctest::Contains("is not a directory"),
                       checkpoint_error);
  // checkpoint.json taken by a directory: the rename fails, and the new files are removed.
  fs::create_directories(tmp.path / "blocked" / "checkpoint.json" / "x");
  CHECK_THROWS_WITH_AS(save_checkpoint(net, tmp.path / "blocked"), doctest::Contains("cannot rename"),
                       checkpoint_error);
  CHECK(file_names(tmp.path / "blocked") == std::set<std::string>{"checkpoint.json", "checkpoint.lock"});
}

TEST_CASE("checkpoint: a truncated .npy is an error naming the file and the byte, at every cut") {
  TempDir tmp;
  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  save_checkpoint(net, tmp.path);
  const fs::path file = find_file(tmp.path, "W2.");
  const std::string bytes = read_file(file);
  REQUIRE(bytes.size() == 128 + 12 * 8);
  // In the magic, the version, the header length, the header, at its end, in the data, one short.
  for (std::size_t cut : {0, 3, 7, 9, 40, 127, 128, 129, 200, 223}) {
    CAPTURE(cut);
    write_file(file, bytes.substr(0, cut));
    CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path),
                         doctest::Contains(fmt::format("truncated at byte {}", cut).c_str()), npy_error);
    CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains(file.string().c_str()), npy_error);
    CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains("load_checkpoint: W^2"), npy_error);
  }
  write_file(file, bytes.substr(0, 40));
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains("the header should run to byte 128"),
                       npy_error);
  write_file(file, bytes.substr(0, 200));
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path),
                       doctest::Contains("shape (4,3) needs 96 bytes of data from byte 128"), npy_error);
  write_file(file, bytes + "xyz");
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path),
                       doctest::Contains("3 unexpected bytes after the data, from byte 224"), npy_error);
}

TEST_CASE(
    "checkpoint: a .npy that is not float64 in C order, or not .npy at all, is an error saying what it is") {
  TempDir tmp;
  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  save_checkpoint(net, tmp.path);
  const fs::path file = find_file(tmp.path, "b3.");
  const std::string good = read_file(file);
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string bytes = good;
    REQUIRE(from.size() == to.size());  // keeps the header's length
    bytes.replace(bytes.find(from), from.size(), to);
    return bytes;
  };
  struct Case {
    std::string bytes, message;
  };
  const std::vector<Case> cases = {
      {replaced("<f8", "<f4"), "dtype '<f4' is not '<f8' (little-endian float64)"},
      {replaced("<f8", "<i8"), "dtype '<i8' is not '<f8'"},
      {replaced("<f8", ">f8"), "dtype '>f8' is not '<f8' (little-endian float64): this file is big-endian"},
      {replaced("False", "True "), "fortran_order is True"},
      {replaced("\x93NUMPY", "PK\x03\x04zz"), "not a .npy file: bad magic string at byte 0"},
      {replaced(std::string("NUMPY\x01", 6), std::string("NUMPY\x04", 6)),
       "unsupported .npy version 4.0 at byte 6"},
      {replaced("'shape'", "'shapf'"), "unexpected key 'shapf'"},
      {replaced("(2, 1)", "(2, x)"), "expected a dimension (a non-negative integer), found 'x' at byte 64"},
      {replaced("}", "]"), "expected a quoted string in the header, found ']' at byte"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.message);
    write_file(file, c.bytes);
    CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains(c.message.c_str()), npy_error);
    CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains(file.string().c_str()), npy_error);
  }
  // Not even a header's worth: a three-byte text file.
  write_file(file, "abc");
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains("not a .npy file"), npy_error);
}

TEST_CASE(
    "checkpoint: weights whose shapes disagree with the JSON, or layers that do not chain, are shape errors") {
  TempDir tmp;
  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  save_checkpoint(net, tmp.path);
  const fs::path file = find_file(tmp.path, "W3.");
  write_npy(file, Tensor::from_shape({2, 5}));
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains("holds W^3 of shape (2,5)"),
                       tg::shape_error);
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains("checkpoint.json' says (2,4)"),
                       tg::shape_error);
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains(file.string().c_str()), tg::shape_error);

  TempDir hand;
  const std::vector<std::pair<std::string, Tensor>> files = {{"W2.npy", Tensor::from_shape({3, 2})},
                                                             {"b2.npy", Tensor::from_shape({3, 1})},
                                                             {"W3.npy", Tensor::from_shape({1, 4})},
                                                             {"b3.npy", Tensor::from_shape({1, 1})}};
  write_checkpoint(hand.path, unchained_json, files);
  CHECK_THROWS_WITH_AS(
      load_checkpoint(hand.path),
      doctest::Contains(
          "layers do not chain: W^3 has shape (1,4), taking 4 inputs, but W^2 has shape (3,2), giving 3"),
      tg::shape_error);
  // Shapes that chain but disagree with "sizes".
  std::string json = unchained_json;
  json.replace(json.find("[1, 4]"), 6, "[1, 3]");
  json.replace(json.find("[2, 3, 1]"), 9, "[2, 3, 2]");
  write_checkpoint(hand.path, json, {});
  CHECK_THROWS_WITH_AS(load_checkpoint(hand.path),
                       doctest::Contains("W^3 has shape (1,3) but sizes (2,3,2) say (2,3)"), tg::shape_error);
  // b^l must be a column of W^l's height.
  json = unchained_json;
  json.replace(json.find("[3, 1]"), 6, "[1, 3]");
  write_checkpoint(hand.path, json, {});
  CHECK_THROWS_WITH_AS(load_checkpoint(hand.path),
                       doctest::Contains("b^2 has shape (1,3) but W^2 has shape (3,2)"), tg::shape_error);
}

TEST_CASE(
    "checkpoint: a missing or corrupted checkpoint.json, or a missing .npy, is an error naming the file") {
  TempDir tmp;
  const fs::path json_file = tmp.path / "checkpoint.json";
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path / "nowhere"), doctest::Contains("does not exist"),
                       checkpoint_error);
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains("checkpoint.json' is missing"),
                       checkpoint_error);
  write_file(tmp.path / "file", "x");
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path / "file"), doctest::Contains("is not a directory"),
                       checkpoint_error);

  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  save_checkpoint(net, tmp.path);
  const std::string json = read_file(json_file);

  write_file(json_file, json.substr(0, json.size() / 2));  // cut short
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains("checkpoint.json' is not valid JSON"),
                       checkpoint_error);
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains("parse error at line"), checkpoint_error);
  write_file(json_file, "");
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains("is not valid JSON"), checkpoint_error);

  // Well-formed JSON that is wrong, field by field.
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = json;
    const std::size_t at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
  };
  struct Case {
    std::string json, message;
  };
  const std::vector<Case> cases = {
      {"[1, 2]", "expected a JSON object, found array"},
      {with("\"format\"", "\"formats\""), "missing key 'format'"},
      {with("tapegrad-mlp-checkpoint", "keras"), "format is 'keras', not 'tapegrad-mlp-checkpoint'"},
      {with("\"version\": 1", "\"version\": 7"), "format version 7 is newer than this tapegrad reads (1)"},
      {with("\"layers\"", "\"layerz\""), "missing key 'layers'"},
      {with("\"hidden_activation\": \"sigmoid\"", "\"hidden_activation\": \"sigmoidal\""),
       "hidden_activation: unknown activation 'sigmoidal' (expected sigmoid, tanh, relu, identity or softmax)"},
      {with("\"output_activation\": \"sigmoid\"", "\"output_activation\": 3"),
       "key 'output_activation' should be a string, found 3"},
      {with("\"sizes\": [", "\"sizes\": [-1, "), "key 'sizes' should be an array of positive integers"},
      {with("\"file\": \"W2.g1.npy\"", "\"file\": \"../W2.g1.npy\""),
       "key 'layers[0].W.file' should be a file name in the checkpoint's directory"},
      {with("\"file\": \"b3.g1.npy\"", "\"name\": \"b3.g1.npy\""), "missing key 'layers[1].b.file'"},
      {with("\"layer\": 3", "\"layer\": 2"),
       "'layers[1].layer' is 2: layers are listed in order, so it should be 3"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.message);
    write_file(json_file, c.json);
    CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains(c.message.c_str()), checkpoint_error);
    CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains(json_file.string().c_str()),
                         checkpoint_error);
  }

  write_file(json_file, json);
  fs::remove(tmp.path / "b3.g1.npy");
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path),
                       doctest::Contains(
                           ("b^3 file '" + (tmp.path / "b3.g1.npy").string() + "' is missing").c_str()),
                       checkpoint_error);
}

TEST_CASE("checkpoint: softmax as a hidden activation in a hand-edited JSON is refused, naming the file") {
  TempDir tmp;
  std::string json = unchained_json;
  json.replace(json.find("[1, 4]"), 6, "[1, 3]");
  json.replace(json.find("\"tanh\""), 6, "\"softmax\"");
  write_checkpoint(tmp.path, json,
                   {{"W2.npy", Tensor::from_shape({3, 2})},
                    {"b2.npy", Tensor::from_shape({3, 1})},
                    {"W3.npy", Tensor::from_shape({1, 3})},
                    {"b3.npy", Tensor::from_shape({1, 1})}});
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains("softmax is an output activation"),
                       checkpoint_error);
  // The same files with tanh load: the hand-written format is the documented one.
  json.replace(json.find("\"softmax\""), 9, "\"tanh\"");
  write_file(tmp.path / "checkpoint.json", json);
  CHECK(load_checkpoint(tmp.path).sizes() == std::vector<std::size_t>{2, 3, 1});
}

TEST_CASE("checkpoint: an optimizer's state is saved with the weights and restored exactly") {
  TempDir tmp;
  Mlp net({3, 4, 2}, Activation::tanh, Activation::softmax, 1);
  Adam adam(net.parameters(), 0.01);
  const Tensor X = tg::test::random_tensor({3, 6}, tg::test::Domain::any, 2);
  const Tensor Y = tg::test::random_tensor({2, 6}, tg::test::Domain::positive, 3);
  const Cost c{CostKind::quadratic};
  for (int i = 0; i < 3; ++i) adam.step(gradients(net, X, Y, c));
  save_checkpoint(net, tmp.path, {}, &adam);
  CHECK(file_names(tmp.path) ==
        std::set<std::string>{"checkpoint.json", "checkpoint.lock", "W2.g1.npy", "b2.g1.npy", "W3.g1.npy",
                              "b3.g1.npy", "m.W2.g1.npy", "m.b2.g1.npy", "m.W3.g1.npy", "m.b3.g1.npy",
                              "v.W2.g1.npy", "v.b2.g1.npy", "v.W3.g1.npy", "v.b3.g1.npy"});
  CHECK(read_npy(tmp.path / "m.W3.g1.npy") == adam.first_moments()[2]);  // numpy reads the moments too

  Mlp loaded = load_checkpoint(tmp.path);
  Adam resumed(loaded.parameters(), 0.01);
  REQUIRE(load_optimizer_state(tmp.path, resumed));
  CHECK(resumed.steps() == 3);
  adam.step(gradients(net, X, Y, c));
  resumed.step(gradients(loaded, X, Y, c));
  CHECK(same_net(loaded, net));  // the fourth step is the same step

  // Another rule, or a checkpoint saved without an optimizer: nothing to restore.
  Momentum momentum(loaded.parameters(), 0.1);
  CHECK_FALSE(load_optimizer_state(tmp.path, momentum));
  save_checkpoint(net, tmp.path);
  CHECK_FALSE(load_optimizer_state(tmp.path, resumed));
  CHECK(file_names(tmp.path).size() == 6);  // the moments' files went with their generation

  // An optimizer of another network is refused.
  const Mlp other({3, 4, 2}, Activation::tanh, Activation::softmax, 2);
  CHECK_THROWS_WITH_AS(save_checkpoint(other, tmp.path, {}, &adam),
                       doctest::Contains("built for other parameters"), std::invalid_argument);
}

TEST_CASE("checkpoint: a checkpoint.json that is a directory is an error naming it") {
  TempDir tmp;
  fs::create_directory(tmp.path / "checkpoint.json");
  const std::string message =
      fmt::format("load_checkpoint: cannot read '{}': it is a directory, not a regular file",
                  (tmp.path / "checkpoint.json").string());
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), message.c_str(), checkpoint_error);
}

TEST_CASE(
    "checkpoint: a NaN or infinite weight is refused at load, naming the parameter, the element and the file") {
  TempDir tmp;
  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  Momentum momentum(net.parameters(), 0.1);
  save_checkpoint(net, tmp.path, {}, &momentum);
  for (const double bad : {std::nan(""), HUGE_VAL, -HUGE_VAL}) {
    CAPTURE(bad);
    const fs::path W3 = find_file(tmp.path, "W3.");
    Tensor W = net.layer(3).W.value();
    W(1, 2) = bad;  // flat element 6 of (2,4)
    write_npy(W3, W);
    const std::string message = fmt::format(
        "load_checkpoint: '{}' holds W^3, whose element (1,2) is {}: a checkpoint's numbers must be finite",
        W3.string(), fmt::format("{}", bad));
    CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), message.c_str(), checkpoint_error);
    write_npy(W3, net.layer(3).W.value());
    REQUIRE(same_net(load_checkpoint(tmp.path), net));
  }
  // The optimizer's running averages too: a NaN velocity would make the first step NaN.
  const fs::path v = find_file(tmp.path, "velocity.b2.");
  write_npy(v, tg::filled({4, 1}, std::nan("")));
  CHECK_THROWS_WITH_AS(load_optimizer_state(tmp.path, momentum),
                       doctest::Contains("whose element (0,0) is nan"), checkpoint_error);
  CHECK_THROWS_WITH_AS(load_optimizer_state(tmp.path, momentum), doctest::Contains(v.string().c_str()),
                       checkpoint_error);
}

TEST_CASE("checkpoint: a damaged optimizer state is an error naming the file") {
  TempDir tmp;
  const Mlp net({3, 4, 2}, Activation::tanh, Activation::softmax, 1);
  Momentum momentum(net.parameters(), 0.1);
  save_checkpoint(net, tmp.path, {}, &momentum);
  const std::string json = read_file(tmp.path / "checkpoint.json");

  fs::remove(tmp.path / "velocity.b3.g1.npy");
  CHECK_THROWS_WITH_AS(load_optimizer_state(tmp.path, momentum),
                       doctest::Contains("velocity.b3.g1.npy' is missing"), checkpoint_error);

  std::string wrong_shape = json;
  const std::size_t at = wrong_shape.find("\"file\": \"velocity.W2.g1.npy\"");
  REQUIRE(at != std::string::npos);
  wrong_shape.replace(wrong_shape.find("[", at), wrong_shape.find("]", at) - wrong_shape.find("[", at) + 1,
                      "[4, 4]");
  write_file(tmp.path / "checkpoint.json", wrong_shape);
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path),
                       doctest::Contains("optimizer.state.velocity[0]' has shape (4,4)"), tg::shape_error);

  std::string bad_steps = json;
  bad_steps.replace(bad_steps.find("\"steps\": 0"), 10, "\"steps\": -1");
  write_file(tmp.path / "checkpoint.json", bad_steps);
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path),
                       doctest::Contains("'optimizer.steps' should be a whole number"), checkpoint_error);
}

TEST_CASE("checkpoint: a save with optimizer state that fails at any step leaves the previous one whole") {
  TempDir tmp;
  const Mlp net({3, 4, 2}, Activation::tanh, Activation::softmax, 1);
  Adam adam(net.parameters());
  save_checkpoint(net, tmp.path, {}, &adam);
  const std::string old_json = read_file(tmp.path / "checkpoint.json");
  const Mlp other({3, 4, 2}, Activation::sigmoid, Activation::softmax, 2);
  Adam other_adam(other.parameters());
  std::size_t failures = 0;
  for (std::size_t step = 1;; ++step) {
    CAPTURE(step);
    bool failed = false;
    {
      FailAtStep fault(step);
      try {
        save_checkpoint(other, tmp.path, {}, &other_adam);
      } catch (const checkpoint_error&) {
        failed = true;
      }
    }
    if (!failed) break;
    ++failures;
    if (read_file(tmp.path / "checkpoint.json") != old_json) {  // failed after the commit
      save_checkpoint(net, tmp.path, {}, &adam);
      continue;
    }
    CHECK(same_net(load_checkpoint(tmp.path), net));
    Adam again(net.parameters());
    CHECK(load_optimizer_state(tmp.path, again));
  }
  CHECK(failures == 4 * 13 + 5);  // (12 .npy files + the JSON) × 4 calls, then 2 + 1 + 2 more
}

TEST_CASE("checkpoint functions: bad arguments are clear errors") {
  using tg::test::BadInput;
  TempDir tmp;
  const Mlp net({3, 4, 2}, Activation::tanh, Activation::softmax, 1);
  const Mlp other({3, 4, 2}, Activation::tanh, Activation::softmax, 2);
  Adam theirs(other.parameters());
  Sgd sgd(net.parameters(), 0.1);
  const fs::path file = tmp.path / "plain_file", nowhere = tmp.path / "nowhere";
  std::ofstream(file) << "not a directory";
  tg::test::check_bad_inputs({
      {"save_checkpoint: another network's optimizer",
       [&] { save_checkpoint(net, tmp.path / "fresh", {}, &theirs); }, TG_ERROR(std::invalid_argument),
       "save_checkpoint: the adam optimizer was built for other parameters than this network's"},
      {"save_checkpoint: onto a file", [&] { save_checkpoint(net, file); }, TG_ERROR(checkpoint_error),
       fmt::format("save_checkpoint: '{}' exists and is not a directory", file.string())},
      {"load_checkpoint: a missing directory", [&] { (void)load_checkpoint(nowhere); },
       TG_ERROR(checkpoint_error),
       fmt::format("load_checkpoint: directory '{}' does not exist", nowhere.string())},
      {"load_checkpoint_extra: a missing directory", [&] { (void)load_checkpoint_extra(nowhere); },
       TG_ERROR(checkpoint_error),
       fmt::format("load_checkpoint_extra: directory '{}' does not exist", nowhere.string())},
      {"load_checkpoint_extra: a file", [&] { (void)load_checkpoint_extra(file); },
       TG_ERROR(checkpoint_error),
       fmt::format("load_checkpoint_extra: '{}' is not a directory", file.string())},
      {"load_optimizer_state: a directory without a checkpoint",
       [&] { (void)load_optimizer_state(tmp.path, sgd); }, TG_ERROR(checkpoint_error),
       fmt::format("load_optimizer_state: '{}' is missing: '{}' holds no checkpoint",
                   (tmp.path / "checkpoint.json").string(), tmp.path.string())},
  });
  CHECK_FALSE(fs::exists(tmp.path / "fresh"));  // the refused save wrote nothing, not even the directory
}

TEST_CASE(
    "checkpoint: a checkpoint.json nested thousands deep is an error naming the byte, not a stack overflow") {
  // Found by running the loader's fuzz target (fuzz/fuzz_checkpoint.cpp) on deep inputs longer than
  // its -max_len: nlohmann::json copies nested values recursively, so a checkpoint.json with
  // "sizes" nested 50000 deep overflowed the stack (a crash, where the loader promises an error).
  TempDir tmp;
  const fs::path json_file = tmp.path / "checkpoint.json";
  const Mlp net({2, 1}, Activation::sigmoid, Activation::sigmoid, 1);
  Sgd sgd(net.parameters(), 0.1);
  save_checkpoint(net, tmp.path, {}, &sgd);
  const std::string json = read_file(json_file);
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  std::string deep_sizes = json;
  deep_sizes.replace(deep_sizes.find("\"sizes\": ["), 10, "\"sizes\": " + deep + ", \"was\": [");
  std::string deep_extra = json;
  deep_extra.replace(deep_extra.find("\"extra\": {"), 10, "\"extra\": {\"a\": {\"b\": " + deep + "},");
  // Each text, and how deep the run of '[' starts: the 33rd level is the error's byte.
  const std::vector<std::pair<std::string, std::size_t>> cases{{deep, 0}, {deep_sizes, 1}, {deep_extra, 3}};
  for (const auto& [text, enclosing] : cases) {
    write_file(json_file, text);
    const std::string at = fmt::format("at byte {}", text.find(std::string(100, '[')) + 32 - enclosing);
    CAPTURE(at);
    CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path),
                         doctest::Contains(("nest more than 32 deep " + at).c_str()), checkpoint_error);
    CHECK_THROWS_WITH_AS(load_checkpoint_extra(tmp.path), doctest::Contains(json_file.string().c_str()),
                         checkpoint_error);
    CHECK_THROWS_AS(load_optimizer_state(tmp.path, sgd), checkpoint_error);
  }

  // Brackets inside strings do not count: notes may hold anything.
  const std::string brackets = std::string(1000, '[') + "\"\\{" + std::string(1000, '}');
  save_checkpoint(net, tmp.path, {{"note", brackets}});
  CHECK(load_checkpoint_extra(tmp.path).at("note") == brackets);
  CHECK(load_checkpoint(tmp.path).sizes() == std::vector<std::size_t>{2, 1});
}

namespace {

// Holds byte `byte` of dir/checkpoint.lock as another process would, for one scope.
struct HeldLock {
  Fd fd;
  HeldLock(const fs::path& dir, off_t byte, LockKind kind)
      : fd(::open((dir / "checkpoint.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    REQUIRE(fd.fd >= 0);
    REQUIRE(try_lock_byte(fd.fd, byte, kind));
  }
};

// Sets detail::checkpoint_lock_wait on this thread for one scope.
struct LockWait {
  explicit LockWait(std::chrono::milliseconds wait) { tg::nn::detail::checkpoint_lock_wait = wait; }
  ~LockWait() { tg::nn::detail::checkpoint_lock_wait = std::chrono::milliseconds(30000); }
};

}  // namespace

TEST_CASE(
    "checkpoint: writers and readers at once: every save commits whole, a load always finds one, nothing is left over") {
  TempDir tmp;
  constexpr int writers = 4, rounds = 15;
  std::vector<Mlp> nets;
  for (int w = 0; w < writers; ++w)
    nets.emplace_back(std::vector<std::size_t>{3, 5, 2}, Activation::tanh, Activation::softmax, 100 + w);
  save_checkpoint(nets[0], tmp.path);
  std::atomic<bool> done{false};
  std::atomic<int> loads{0}, failed_loads{0}, unknown_nets{0};
  std::thread reader([&] {
    while (!done) {
      try {
        const Mlp loaded = load_checkpoint(tmp.path);
        bool known = false;
        for (const Mlp& net : nets) known = known || same_net(loaded, net);
        unknown_nets += !known;
      } catch (const std::exception&) {
        ++failed_loads;
      }
      ++loads;
    }
  });
  int failed_saves = 0;
  for (int round = 0; round < rounds; ++round) {
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int w = 0; w < writers; ++w)
      threads.emplace_back([&, w] {
        Adam adam(nets[w].parameters(), 1e-3);
        try {
          save_checkpoint(nets[w], tmp.path, {{"writer", std::to_string(w)}}, &adam);
        } catch (const std::exception&) {
          ++failures;
        }
      });
    for (std::thread& t : threads) t.join();
    failed_saves += failures;
    // The last save won, whole: its network with its own notes.
    const std::string writer = load_checkpoint_extra(tmp.path).at("writer");
    CHECK(same_net(load_checkpoint(tmp.path), nets[std::stoul(writer)]));
  }
  done = true;
  reader.join();
  CHECK(failed_saves == 0);
  CHECK(failed_loads == 0);
  CHECK(unknown_nets == 0);
  CHECK(loads > 0);
  // Old generations a load held back are gone after one more save: the JSON, the lock, and
  // W^2, b^2, W^3, b^3 are left.
  save_checkpoint(nets[1], tmp.path);
  CHECK(file_names(tmp.path).size() == 2 + 4);
}

TEST_CASE(
    "checkpoint: a save waits for another's lock, and after detail::checkpoint_lock_wait says so, writing nothing") {
  TempDir tmp;
  const Mlp old_net({3, 2}, Activation::sigmoid, Activation::sigmoid, 1),
      new_net({3, 2}, Activation::sigmoid, Activation::sigmoid, 2);
  save_checkpoint(old_net, tmp.path);
  const std::set<std::string> before = file_names(tmp.path);
  {
    const HeldLock other(tmp.path, 0, LockKind::exclusive);
    const LockWait wait(std::chrono::milliseconds(200));
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH_AS(save_checkpoint(new_net, tmp.path),
                         doctest::Contains(
                             fmt::format("another process has been saving a checkpoint into '{}' for 0.2 s",
                                         tmp.path.string())
                                 .c_str()),
                         checkpoint_error);
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(200));
    CHECK_THROWS_WITH_AS(prepare_checkpoint_directory(tmp.path), doctest::Contains("nothing was written"),
                         checkpoint_error);
    CHECK(file_names(tmp.path) == before);
    CHECK(same_net(load_checkpoint(tmp.path), old_net));  // loads do not wait for saves
  }
  // A save waiting for one that ends in time goes on after it.
  std::optional<HeldLock> other(std::in_place, tmp.path, 0, LockKind::exclusive);
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    other.reset();
  });
  save_checkpoint(new_net, tmp.path);
  release.join();
  CHECK(same_net(load_checkpoint(tmp.path), new_net));
}

TEST_CASE("checkpoint: a save keeps the generation a load is reading, and the next save removes it") {
  TempDir tmp;
  const Mlp first({3, 2}, Activation::sigmoid, Activation::sigmoid, 1),
      second({3, 2}, Activation::sigmoid, Activation::sigmoid, 2);
  save_checkpoint(first, tmp.path);
  {
    const HeldLock loading(tmp.path, 1, LockKind::shared);
    save_checkpoint(second, tmp.path);
    CHECK(file_names(tmp.path) == std::set<std::string>{"checkpoint.json", "checkpoint.lock", "W2.g1.npy",
                                                        "b2.g1.npy", "W2.g2.npy", "b2.g2.npy"});
  }
  CHECK(same_net(load_checkpoint(tmp.path), second));
  save_checkpoint(second, tmp.path);
  CHECK(file_names(tmp.path) ==
        std::set<std::string>{"checkpoint.json", "checkpoint.lock", "W2.g3.npy", "b2.g3.npy"});
}

TEST_CASE("checkpoint: a checkpoint.json that is a FIFO or a device is refused by name, never read") {
  TempDir tmp;
  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  save_checkpoint(net, tmp.path);
  const fs::path json_file = tmp.path / "checkpoint.json";
  fs::remove(json_file);
  REQUIRE(::mkfifo(json_file.c_str(), 0600) == 0);  // no writer: reading it would block forever
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path),
                       doctest::Contains("checkpoint.json': it is a FIFO (named pipe), not a regular file"),
                       checkpoint_error);
  fs::remove(json_file);
  for (const char* device :
       {"/dev/zero", "/dev/urandom"}) {  // endless bytes: read, they grow until std::bad_alloc
    fs::remove(json_file);
    fs::create_symlink(device, json_file);
    CHECK_THROWS_WITH_AS(load_checkpoint_extra(tmp.path),
                         doctest::Contains("it is a character device, not a regular file"), checkpoint_error);
  }
}

TEST_CASE("checkpoint: a .npy that is a FIFO is refused by name") {
  TempDir tmp;
  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  save_checkpoint(net, tmp.path);
  for (const fs::directory_entry& e : fs::directory_iterator(tmp.path))
    if (e.path().filename().string().rfind("W2.", 0) == 0) {
      fs::remove(e.path());
      REQUIRE(::mkfifo(e.path().c_str(), 0600) == 0);
    }
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path), doctest::Contains("it is a FIFO (named pipe)"), npy_error);
}

TEST_CASE(
    "checkpoint: a run's claim on a --save directory whose parents are missing holds, and leaves nothing") {
  TempDir tmp;
  const fs::path dir = tmp.path / "results" / "run1";  // neither exists yet: the save would make both
  {
    const RunClaim first(dir, RunClaim::Use::save);
    CHECK(fs::is_directory(dir));
    CHECK_THROWS_WITH_AS(RunClaim(dir, RunClaim::Use::save), doctest::Contains("another training run"),
                         checkpoint_in_use);
    CHECK_THROWS_AS(RunClaim(dir, RunClaim::Use::resume), checkpoint_in_use);
  }
  CHECK_FALSE(fs::exists(tmp.path / "results"));  // nothing saved: what the claim made is gone
  {
    const RunClaim claim(dir, RunClaim::Use::save);
    write_file(tmp.path / "results" / "notes.txt", "the user's own file");
  }
  CHECK_FALSE(fs::exists(dir));  // its own directory goes; the parent holding a user's file stays
  CHECK(fs::exists(tmp.path / "results" / "notes.txt"));
}
