// Checkpoints of an Mlp: its architecture and weights, in a directory numpy can read.
//
//   dir/checkpoint.json   {"format": "tapegrad-mlp-checkpoint", "version": 1, "generation": 3,
//                          "sizes": [784, 100, 10], "hidden_activation": "sigmoid",
//                          "output_activation": "softmax",
//                          "layers": [{"layer": 2, "W": {"file": "W2.g3.npy", "shape": [100, 784]},
//                                                  "b": {"file": "b2.g3.npy", "shape": [100, 1]}}, ...],
//                          "extra": {"epoch": "12"},
//                          "optimizer": {"name": "adam", "steps": 5640,            (when saved with one)
//                                        "state": {"m": [{"file": "m.W2.g3.npy", "shape": [100, 784]},
//                                                        {"file": "m.b2.g3.npy", ...}, ...], "v": [...]}}}
//   dir/W2.g3.npy, dir/b2.g3.npy, ...   float64, C order: numpy.load("dir/W2.g3.npy")
//   dir/m.W2.g3.npy, ...                the optimizer's running averages, one per parameter
//
// Saving never damages the checkpoint already in `dir`: the new weights go to files of a new
// generation (g3 after g2), then checkpoint.json is replaced by rename(), the one commit point,
// and only then are the old generation's files deleted. A save that fails or is killed before
// the rename leaves the old checkpoint as it was. Files named W<l>.g<n>.npy and b<l>.g<n>.npy
// (optionally with a "<slot>." prefix) and checkpoint.json.XXXXXX.tmp belong to the checkpoint;
// a save leaves every other file in dir alone.
//
// Several processes may save into and load from one directory at once. dir/checkpoint.lock
// orders them (nn/posix_file.hpp's locks, which die with their process):
//   - a save holds its byte 0 for the whole save, so saves take turns: the second waits (up to
//     detail::checkpoint_lock_wait, then checkpoint_error naming the directory) and then writes
//     a newer generation; the last save wins, each one whole;
//   - a load holds its byte 1 shared while it reads checkpoint.json and the files it names; a
//     save deletes old generations only while it can hold byte 1 alone, so a load never finds
//     its files gone (what it could not delete, the next save does);
//   - holding byte 0, a save (and prepare_checkpoint_directory) knows that any uncommitted
//     files in dir were left by a save that was interrupted, and removes them first;
//   - a training run holds byte 2 from its start to its end (nn::RunClaim), alone for the
//     directory it saves into, shared for one it resumes from: a second run that would
//     supersede its checkpoint is refused at once.
//
// The pieces: nn/checkpoint_json.hpp (checkpoint.json's schema), nn/checkpoint_lock.hpp (the
// lock), nn/checkpoint_save_io.hpp (a save's I/O calls and the fault seam below).
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>

#include "nn/mlp.hpp"
#include "nn/network.hpp"
#include "nn/npy.hpp"
#include "nn/optimizer.hpp"

namespace tg::nn {

// A checkpoint that cannot be written or read: I/O failures, bad or missing JSON and files.
// (Weights whose shapes disagree throw tg::shape_error; an unreadable .npy file, npy_error.)
struct checkpoint_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Free-form notes kept with the weights, e.g. {"epoch": "12", "cost": "0.031"}.
using CheckpointExtra = std::map<std::string, std::string>;

// Saves net into dir (created if missing), replacing the checkpoint there atomically; with an
// optimizer (built for net.parameters(), std::invalid_argument otherwise), also its state, so
// that training can resume exactly. dir must be (or become) a directory: checkpoint_error.
void save_checkpoint(const Mlp& net, const std::filesystem::path& dir, const CheckpointExtra& extra = {},
                     const Optimizer* optimizer = nullptr);

// Checks, before a long run, that a checkpoint can be saved into dir. An existing dir: takes
// its lock as a save would (waiting as a save does), removes what interrupted saves left, and
// creates and removes a file in it. A missing one is left missing: a directory is created and
// removed where it would go. Throws checkpoint_error naming the problem.
void prepare_checkpoint_directory(const std::filesystem::path& dir);

// A network of any layers, in format version 2: "format": "tapegrad-checkpoint", "version": 2,
// "input": [1, 28, 28] (one example), and "layers" in order, each with its "layer" number and
// "kind", and by kind:
//   fc:       "activation", "W" and "b" (files as above)
//   conv:     "activation", "stride", "padding", "w" and "b" (files W<l>.g<n>.npy, b<l>.g<n>.npy)
//   maxpool, avgpool:  "kernel", "stride";   flatten: nothing more
// Saved as version 1 checkpoints are, atomically, with the same locks.
void save_checkpoint(const Network& net, const std::filesystem::path& dir, const CheckpointExtra& extra = {},
                     const Optimizer* optimizer = nullptr);

// The Mlp saved in dir (version 1). Every error names the file and what is wrong with it; a
// version 2 checkpoint (a Network's) is refused, naming load_network.
Mlp load_checkpoint(const std::filesystem::path& dir);

// The network saved in dir, of either version: an Mlp's checkpoint gives its fully connected layers.
Network load_network(const std::filesystem::path& dir);

// The network saved in dir as it was saved, read under one lock: the Mlp of a version 1
// checkpoint, the Network of a version 2 one.
std::variant<Mlp, Network> load_any_network(const std::filesystem::path& dir);

// The `extra` notes saved with the checkpoint in dir.
CheckpointExtra load_checkpoint_extra(const std::filesystem::path& dir);

// Puts the optimizer state saved in dir back into opt (built for the loaded network's
// parameters). Returns false, leaving opt as it was, when the checkpoint holds no state of an
// optimizer of opt's kind (none saved, or another rule's); a damaged state throws.
bool load_optimizer_state(const std::filesystem::path& dir, Optimizer& opt);

// Everything a checkpoint holds, read under one lock: what `tapegrad train --resume` starts from.
struct SavedCheckpoint {
  std::variant<Mlp, Network> net;  // as it was saved: version 1 an Mlp, version 2 a Network
  CheckpointExtra extra;
  struct OptimizerState {
    std::string name;  // the rule's, Optimizer::name()
    std::size_t steps = 0;
    Optimizer::State state;
  };
  std::optional<OptimizerState> optimizer;  // when saved with one
};
SavedCheckpoint load_saved_checkpoint(const std::filesystem::path& dir);

// Puts saved.optimizer back into opt (built for saved.net's parameters), as load_optimizer_state
// does; dir names the checkpoint in errors.
bool restore_optimizer_state(const SavedCheckpoint& saved, const std::filesystem::path& dir, Optimizer& opt);

namespace detail {
// Test seam: when n > 0, the n-th I/O step of each save_checkpoint call on this thread (opening,
// writing, fsync-ing or closing a file, the rename, a directory's fsync) fails with ENOSPC as it
// would on a full disk. 0 turns it off.
inline thread_local std::size_t checkpoint_fail_at_step = 0;
// How long a save waits for another process's save into the same directory to end.
inline thread_local std::chrono::milliseconds checkpoint_lock_wait{30000};
}  // namespace detail

}  // namespace tg::nn
