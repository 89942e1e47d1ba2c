// NumPy's .npy format for float64 tensors, so that numpy.load reads what tapegrad saves.
//
// The format (numpy.lib.format): the magic "\x93NUMPY", a version (1.0 here), the header's
// length as a little-endian u16, a Python dict literal such as
// "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }" padded with spaces and a
// '\n' so that the data starts at a multiple of 64 bytes, then the numbers in C order.
//
// Why not xtensor's xnpy.hpp: in 0.24.3 its loader never checks the stream after reading, so a
// file cut inside its data loads without error and hands back uninitialised memory; its
// messages ("invalid typestring", "unable to unwrap") name neither the file nor the byte; and
// its writer ignores write errors. This reader checks every byte count and says where a bad
// file goes wrong.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "autodiff/tensor.hpp"

namespace tg::nn {

// A .npy file that cannot be read: "read_npy: 'W2.g1.npy': truncated at byte 70: ...".
struct npy_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The bytes of a .npy file (version 1.0, '<f8', C order) holding t.
std::string encode_npy(const Tensor& t);

// The tensor in the bytes of a .npy file; `name` (the file's path) goes into error messages.
// Accepts versions 1.0, 2.0 and 3.0 with dtype '<f8' and fortran_order False; anything else,
// and a file that is truncated, has trailing bytes, or a malformed header, throws npy_error
// naming the file, what was wrong, and the byte offset where it went wrong.
Tensor decode_npy(std::string_view bytes, const std::string& name);

// decode_npy of a file's bytes; a file that cannot be opened or read throws npy_error.
Tensor read_npy(const std::filesystem::path& file);

// Writes encode_npy(t) to `file` (replacing it). Not durable: the checkpoint writer adds fsync.
void write_npy(const std::filesystem::path& file, const Tensor& t);

}  // namespace tg::nn
