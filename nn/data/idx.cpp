#include "nn/data/idx.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <system_error>

#include <fmt/format.h>
#include <zlib.h>

// Only std, fmt and zlib here: the fuzz target compiles this file without xtensor or the engine.

namespace tg::nn::data {

namespace {

// The data is read a step at a time, each step as long as the data read so far (so the buffer
// at most doubles), from 4 KiB up to 16 MiB: a header claiming more data than the file holds
// costs at most twice the bytes the file does hold before it runs out.
constexpr std::size_t min_step_bytes = std::size_t{4} << 10;
constexpr std::size_t max_step_bytes = std::size_t{16} << 20;
constexpr std::size_t inflate_buffer_bytes = std::size_t{64} << 10;  // compressed bytes per refill
constexpr std::size_t trailing_limit = std::size_t{64} << 20;  // trailing bytes counted in a gzip stream

// Who is reading what: "read_idx" and the file, for every error message.
struct Context {
  const char* function;
  const std::string& name;
};

template <class... Args>
[[noreturn]] void fail(const Context& at, fmt::format_string<Args...> format, Args&&... args) {
  throw idx_error(
      fmt::format("{}: '{}': {}", at.function, at.name, fmt::format(format, std::forward<Args>(args)...)));
}

bool is_idx_type(std::uint8_t code) {
  switch (static_cast<IdxType>(code)) {
    case IdxType::u8:
    case IdxType::i8:
    case IdxType::i16:
    case IdxType::i32:
    case IdxType::f32:
    case IdxType::f64: return true;
  }
  return false;
}

std::string dims_str(const std::vector<std::size_t>& dims) {  // (60000, 28, 28)
  return fmt::format("({})", fmt::join(dims, ", "));
}

// A stream of bytes, read front to back. read fills out[0, n) and returns n, or fewer only
// at the end of the stream; a stream that cannot be read, or is corrupt, throws idx_error.
class Source {
 public:
  virtual ~Source() = default;
  virtual std::size_t read(std::uint8_t* out, std::size_t n) = 0;
  // The bytes left, when known without reading them: a hint for reserving memory, and the
  // count of trailing bytes in an error message.
  virtual std::optional<std::size_t> remaining() const { return std::nullopt; }
};

class SpanSource final : public Source {
 public:
  explicit SpanSource(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::size_t read(std::uint8_t* out, std::size_t n) override {
    n = std::min(n, bytes_.size() - pos_);
    if (n > 0) std::memcpy(out, bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  std::optional<std::size_t> remaining() const override { return bytes_.size() - pos_; }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

class FileSource final : public Source {
 public:
  FileSource(const std::filesystem::path& file, const Context& at) : at_(at) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) fail(at_, "cannot read: it is a directory, not a file");
    // regular files only: a FIFO would block, a device never end
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
      fail(at_, "cannot read: it is {}, not a regular file",
           S_ISFIFO(st.st_mode)  ? "a FIFO (named pipe)"
           : S_ISCHR(st.st_mode) ? "a character device"
                                 : "a special file");
    file_.reset(std::fopen(file.c_str(), "rb"));
    if (!file_) fail(at_, "cannot open: {}", std::strerror(errno));
    const std::uintmax_t size = std::filesystem::file_size(file, ec);  // a hint only: 0 for /dev files, ...
    if (!ec) size_ = static_cast<std::size_t>(size);
  }
  std::size_t read(std::uint8_t* out, std::size_t n) override {
    const std::size_t got = std::fread(out, 1, n, file_.get());
    pos_ += got;
    if (got < n && std::ferror(file_.get()))
      fail(at_, "cannot read at byte {}: {}", pos_, std::strerror(errno));
    return got;
  }
  std::optional<std::size_t> remaining() const override {
    if (size_ && *size_ >= pos_) return *size_ - pos_;
    return std::nullopt;
  }

 private:
  struct Close {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  const Context& at_;
  std::unique_ptr<std::FILE, Close> file_;
  std::optional<std::size_t> size_;
  std::size_t pos_ = 0;
};

// A few bytes already read (to look for gzip's magic), then the rest of `in`.
class PrefixedSource final : public Source {
 public:
  PrefixedSource(std::span<const std::uint8_t> prefix, Source& in) : prefix_(prefix), in_(in) {}
  std::size_t read(std::uint8_t* out, std::size_t n) override {
    const std::size_t got = prefix_.read(out, n);
    return got + (got < n ? in_.read(out + got, n - got) : 0);
  }
  std::optional<std::size_t> remaining() const override {
    const auto rest = in_.remaining();
    if (!rest) return std::nullopt;
    return *rest + *prefix_.remaining();
  }

 private:
  SpanSource prefix_;
  Source& in_;
};

// The gzip stream in `in`, inflated by zlib. Several concatenated gzip members (what
// `cat a.gz b.gz` makes) read as one stream, as `gzip -d` reads them. Each member's CRC-32 and
// length are checked when its trailer is reached, so a stream is only known to be intact
// once read returns fewer bytes than asked for.
class InflateSource final : public Source {
 public:
  InflateSource(Source& in, const Context& at)
      : in_(in),
        at_(at),
        buffer_(
            std::clamp<std::size_t>(in.remaining().value_or(inflate_buffer_bytes), 1, inflate_buffer_bytes)) {
    const int ret = inflateInit2(&z_, 15 + 16);  // windowBits 15 (the largest) + 16: gzip, not zlib, framing
    if (ret == Z_MEM_ERROR) throw std::bad_alloc();
    if (ret != Z_OK) fail(at_, "zlib's inflateInit2 failed: {}", zError(ret));
  }
  ~InflateSource() override { inflateEnd(&z_); }
  InflateSource(const InflateSource&) = delete;
  InflateSource& operator=(const InflateSource&) = delete;

  std::size_t read(std::uint8_t* out, std::size_t n) override {
    std::size_t done = 0;
    while (done < n) {
      if (z_.avail_in == 0 && !refill()) {
        if (member_ended_) break;  // the compressed bytes end right after a member: the end
        fail(at_,
             "truncated gzip stream: the compressed data ends at byte {} inside a gzip member "
             "(after {} uncompressed bytes)",
             consumed_, produced_);
      }
      if (member_ended_) {  // more bytes after a member: they must be another member
        if (z_.next_in[0] != 0x1f)
          fail(at_,
               "unexpected bytes after the end of the gzip stream, from compressed byte {} "
               "(another gzip member would start with 1f 8b; found {:02x})",
               consumed_, z_.next_in[0]);
        inflateReset(&z_);
        member_ended_ = false;
      }
      z_.next_out = out + done;
      z_.avail_out = static_cast<uInt>(std::min<std::size_t>(n - done, std::numeric_limits<uInt>::max()));
      const uInt in_before = z_.avail_in, out_before = z_.avail_out;
      const int ret = inflate(&z_, Z_NO_FLUSH);
      const std::size_t made = out_before - z_.avail_out;
      consumed_ += in_before - z_.avail_in;
      produced_ += made;
      done += made;
      if (ret == Z_STREAM_END) {
        member_ended_ = true;
      } else if (ret == Z_MEM_ERROR) {
        throw std::bad_alloc();
      } else if (ret != Z_OK) {
        // Z_DATA_ERROR (bad header, block, distance or checksum), Z_NEED_DICT, or Z_BUF_ERROR
        // (no progress with input and output space to spare: cannot happen on a valid stream).
        // inflate reads ahead, so the damage may lie a few bytes before where it is detected.
        fail(at_, "corrupt gzip stream (detected at compressed byte {}, after {} uncompressed bytes): {}",
             consumed_, produced_, z_.msg ? z_.msg : zError(ret));
      }
    }
    return done;
  }

 private:
  bool refill() {
    z_.next_in = buffer_.data();
    z_.avail_in = static_cast<uInt>(in_.read(buffer_.data(), buffer_.size()));
    return z_.avail_in > 0;
  }

  Source& in_;
  const Context& at_;
  std::vector<std::uint8_t> buffer_;
  z_stream z_{};
  bool member_ended_ = false;
  std::size_t consumed_ = 0;  // compressed bytes inflate has taken: the offset in the .gz file
  std::size_t produced_ = 0;  // uncompressed bytes it has given: the offset in the IDX stream
};

// Bytes 0–3: 00 00, the element type, the number of dimensions; returns the last two.
std::pair<IdxType, std::size_t> read_magic(Source& in, const Context& at) {
  std::array<std::uint8_t, 4> head{};
  const std::size_t got = in.read(head.data(), head.size());
  if ((got >= 1 && head[0] != 0) || (got >= 2 && head[1] != 0))
    fail(at, "not an IDX file: bad magic at byte 0: expected 00 00, found {:02x} {:02x}{}", head[0], head[1],
         head[0] == 0x1f && head[1] == 0x8b
             ? " (gzip's magic: compressed bytes where IDX bytes were expected)"
             : "");
  if (got >= 3 && !is_idx_type(head[2]))
    fail(at,
         "bad magic at byte 2: unknown element type 0x{:02x} (expected 0x08 unsigned byte, 0x09 signed byte, "
         "0x0b i16, 0x0c i32, 0x0d f32 or 0x0e f64)",
         head[2]);
  if (got < head.size())
    fail(at, "truncated at byte {}: expected the 4-byte header (00 00, element type, number of dimensions)",
         got);
  if (head[3] == 0) fail(at, "bad magic at byte 3: 0 dimensions (expected 1 or more)");
  return {static_cast<IdxType>(head[2]), head[3]};
}

// Bytes 4 .. 4 + 4·rank − 1: the sizes, each a big-endian u32.
std::vector<std::size_t> read_dims(Source& in, const Context& at, std::size_t rank) {
  std::array<std::uint8_t, 4 * 255> sizes{};
  const std::size_t got_sizes = in.read(sizes.data(), 4 * rank);
  if (got_sizes < 4 * rank)
    fail(at, "truncated at byte {}: expected {} dimension sizes (4 bytes each) from byte 4 to byte {}",
         4 + got_sizes, rank, 4 + 4 * rank);
  std::vector<std::size_t> dims(rank);
  for (std::size_t k = 0; k < rank; ++k) {
    const std::uint8_t* b = sizes.data() + 4 * k;
    dims[k] = (std::size_t{b[0]} << 24) | (std::size_t{b[1]} << 16) | (std::size_t{b[2]} << 8) | b[3];
  }
  return dims;
}

// data bytes = (product of dims) × element size, which must not overflow (a zero dim makes it 0)
std::size_t data_size(const IdxArray& a, const Context& at) {
  const std::size_t width = element_size(a.type);
  if (std::find(a.dims.begin(), a.dims.end(), 0) != a.dims.end()) return 0;
  std::size_t data_bytes = width;
  for (std::size_t d : a.dims) {
    if (data_bytes > std::numeric_limits<std::size_t>::max() / d)
      fail(at,
           "dims {} of {} at byte 4 claim more data than a size_t can count "
           "(the product of the dims times {} bytes overflows)",
           dims_str(a.dims), to_string(a.type), width);
    data_bytes *= d;
  }
  return data_bytes;
}

// The data, a step at a time: the buffer grows only as bytes arrive, whatever the dims claim
// (all at once when the stream's length is known: a plain file, bytes in memory).
void read_data(Source& in, const Context& at, IdxArray& a, std::size_t data_begin, std::size_t data_bytes,
               bool at_once) {
  a.data.reserve(at_once ? data_bytes : std::min(data_bytes, in.remaining().value_or(0)));
  while (a.data.size() < data_bytes) {
    const std::size_t have = a.data.size();
    const std::size_t n = std::min(data_bytes - have, std::clamp(have, min_step_bytes, max_step_bytes));
    a.data.resize(have + n);
    const std::size_t got_data = in.read(a.data.data() + have, n);
    if (got_data < n)
      fail(at, "truncated at byte {}: expected {} bytes of data for dims {} of {}, from byte {} to byte {}",
           data_begin + have + got_data, data_bytes, dims_str(a.dims), to_string(a.type), data_begin,
           data_begin + data_bytes);
  }
}

// Nothing after the data. Reading on also reaches, and checks, the end of a gzip stream; in
// one, trailing bytes are read to the end (up to a limit) to count them and to check the
// stream's CRC first: damage that only made the stream longer is reported as damage.
void check_no_trailing_bytes(Source& in, const Context& at, const IdxArray& a, std::size_t data_begin,
                             std::size_t data_bytes) {
  std::array<std::uint8_t, 4096> sink{};
  if (in.read(sink.data(), 1) != 1) return;
  std::string extra;
  if (const auto more = in.remaining()) {
    extra = fmt::format("{} bytes", *more + 1);
  } else {
    std::size_t count = 1, got_extra = 0;
    do {
      got_extra = in.read(sink.data(), sink.size());
      count += got_extra;
    } while (got_extra == sink.size() && count <= trailing_limit);
    extra = count <= trailing_limit ? fmt::format("{} bytes", count)
                                    : fmt::format("more than {} bytes", trailing_limit);
  }
  fail(
      at,
      "trailing bytes after the data, from byte {} ({}): dims {} of {} need {} bytes of data, from byte {} to byte {}",
      data_begin + data_bytes, extra, dims_str(a.dims), to_string(a.type), data_bytes, data_begin,
      data_begin + data_bytes);
}

// The IDX array in the (uncompressed) stream `in`, checked byte by byte; with a limit, only
// its first items (see IdxLimit).
IdxArray read_stream(Source& in, const Context& at, const IdxLimit& limit = {}) {
  IdxArray a;
  const auto [type, rank] = read_magic(in, at);
  a.type = type;
  a.dims = read_dims(in, at, rank);
  const std::size_t data_begin = 4 + 4 * rank;
  if (limit.check_header) limit.check_header(a);  // the header as the file has it, no data yet
  const bool cut = limit.max_items != 0 && limit.max_items < a.dims[0];
  if (cut) a.dims[0] = limit.max_items;  // the first items only: the rest is not read
  const std::size_t data_bytes = data_size(a, at);
  read_data(in, at, a, data_begin, data_bytes, limit.allocate_at_once);
  if (!cut) check_no_trailing_bytes(in, at, a, data_begin, data_bytes);
  return a;
}

bool is_gzip(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

}  // namespace

std::string to_string(IdxType type) {
  switch (type) {
    case IdxType::u8: return "unsigned byte";
    case IdxType::i8: return "signed byte";
    case IdxType::i16: return "i16";
    case IdxType::i32: return "i32";
    case IdxType::f32: return "f32";
    case IdxType::f64: return "f64";
  }
  throw std::invalid_argument(
      fmt::format("to_string: 0x{:02x} is not an IDX element type", static_cast<unsigned>(type)));
}

std::size_t element_size(IdxType type) {
  switch (type) {
    case IdxType::u8:
    case IdxType::i8: return 1;
    case IdxType::i16: return 2;
    case IdxType::i32:
    case IdxType::f32: return 4;
    case IdxType::f64: return 8;
  }
  throw std::invalid_argument(
      fmt::format("element_size: 0x{:02x} is not an IDX element type", static_cast<unsigned>(type)));
}

std::size_t IdxArray::size() const {
  std::size_t n = 1;
  for (std::size_t d : dims) n *= d;
  return n;
}

double IdxArray::at(std::size_t i) const {
  const std::size_t width = element_size(type);
  if (i >= data.size() / width)
    throw std::out_of_range(
        fmt::format("IdxArray::at: element {} of an array of {} elements", i, data.size() / width));
  const std::uint8_t* p = data.data() + i * width;
  std::uint64_t v = 0;  // the big-endian bytes as one unsigned number
  for (std::size_t k = 0; k < width; ++k) v = (v << 8) | p[k];
  switch (type) {
    case IdxType::u8: return static_cast<double>(v);
    case IdxType::i8:
      return static_cast<std::int8_t>(static_cast<std::uint8_t>(v));  // two's complement (C++20)
    case IdxType::i16: return static_cast<std::int16_t>(static_cast<std::uint16_t>(v));
    case IdxType::i32: return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    case IdxType::f32: return std::bit_cast<float>(static_cast<std::uint32_t>(v));
    case IdxType::f64: return std::bit_cast<double>(v);
  }
  return 0.0;  // unreachable: element_size has thrown
}

IdxArray parse_idx(std::span<const std::uint8_t> bytes, const std::string& name) {
  SpanSource in(bytes);
  return read_stream(in, {"parse_idx", name});
}

IdxArray decode_idx(std::span<const std::uint8_t> bytes, const std::string& name) {
  const Context at{"decode_idx", name};
  SpanSource in(bytes);
  if (!is_gzip(bytes)) return read_stream(in, at);
  InflateSource inflated(in, at);
  return read_stream(inflated, at);
}

IdxArray read_idx(const std::filesystem::path& file, const IdxLimit& limit) {
  const std::string name = file.string();
  const Context at{"read_idx", name};
  FileSource in(file, at);
  std::array<std::uint8_t, 2> magic{};  // read_stream checks it again, so it is read once and replayed
  const std::span<const std::uint8_t> head(magic.data(), in.read(magic.data(), magic.size()));
  PrefixedSource whole(head, in);
  if (!is_gzip(head)) return read_stream(whole, at, limit);
  InflateSource inflated(whole, at);
  return read_stream(inflated, at, limit);
}

}  // namespace tg::nn::data
