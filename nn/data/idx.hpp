// The IDX file format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/), plain
// or gzip-compressed (read through zlib).
//
//   bytes 0–1   0x00 0x00
//   byte  2     the element type: 0x08 unsigned byte, 0x09 signed byte, 0x0B i16, 0x0C i32,
//               0x0D f32, 0x0E f64 (all big-endian)
//   byte  3     the number of dimensions d (1 for labels, 3 for images)
//   then        d sizes, each a big-endian u32 (images: count, rows, columns)
//   then        the elements in C order (the last index varies fastest), nothing after them
//
// A file that breaks any of these rules throws idx_error naming the file, what was expected
// and the byte offset (in the uncompressed stream) where it went wrong. Memory grows only with
// the bytes actually read, so a header claiming huge sizes cannot exhaust it.
//
// This file needs neither xtensor nor the engine, so the fuzz target builds it on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace tg::nn::data {

// "read_idx: 'train-images-idx3-ubyte.gz': truncated at byte 1000016: expected 47040016 bytes ..."
struct idx_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class IdxType : std::uint8_t { u8 = 0x08, i8 = 0x09, i16 = 0x0B, i32 = 0x0C, f32 = 0x0D, f64 = 0x0E };

std::string to_string(IdxType type);     // "unsigned byte", "signed byte", "i16", ...
std::size_t element_size(IdxType type);  // 1, 1, 2, 4, 4, 8
// (Both throw std::invalid_argument for a value that is none of the six.)

struct IdxArray {
  IdxType type = IdxType::u8;
  std::vector<std::size_t> dims;   // e.g. {60000, 28, 28}
  std::vector<std::uint8_t> data;  // the elements as stored: big-endian, C order
  std::size_t size() const;        // the number of elements: the product of dims
  double at(std::size_t i) const;  // element i (flat, C order) decoded to a double;
                                   // std::out_of_range past the data
};

// Parses the bytes of an (uncompressed) IDX file; `name` goes into error messages.
IdxArray parse_idx(std::span<const std::uint8_t> bytes, const std::string& name);

// parse_idx of bytes that may be gzip-compressed: bytes starting with gzip's magic (1f 8b) are
// inflated on the way (several concatenated gzip members read as one stream). What read_idx
// does with a file's bytes, for callers holding them in memory (and for the fuzz target).
IdxArray decode_idx(std::span<const std::uint8_t> bytes, const std::string& name);

// What read_idx reads of a file.
struct IdxLimit {
  // When not 0 and below the first dimension (the count of images or labels): only the first
  // max_items items are read and decoded, and dims[0] becomes max_items. The rest of the file
  // is not read, so damage there (a bad gzip CRC, trailing bytes) goes unnoticed.
  std::size_t max_items = 0;
  // Called with the header as the file has it (type and dims, no data) before any data is
  // read or memory allocated for it: to refuse a file whose type, shape or size will not do.
  std::function<void(const IdxArray& header)> check_header;
  // Allocate the data's bytes at once when the header is read (check_header having checked
  // that they fit), instead of growing the buffer as they arrive: no copies while a .gz file
  // is inflated into it. Off, a header claiming more than the file holds cannot cost memory.
  bool allocate_at_once = false;
};

// Reads an IDX file; a file starting with gzip's magic bytes (1f 8b) is decompressed on the
// way. Missing or unreadable files, anything but a regular file (a FIFO, a device), bad magic,
// truncated or corrupt streams, sizes that disagree with the file's length, and trailing bytes
// throw idx_error.
IdxArray read_idx(const std::filesystem::path& file, const IdxLimit& limit = {});

}  // namespace tg::nn::data
