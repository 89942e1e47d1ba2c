#include "nn/npy.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "nn/input_file.hpp"
#include "nn/memory_estimate.hpp"

namespace tg::nn {

// The numbers are copied as they lie in memory, which is '<f8' only on a little-endian machine.
static_assert(std::endian::native == std::endian::little,
              "the .npy reader and writer assume a little-endian machine");

namespace {

constexpr std::string_view magic = "\x93NUMPY";
constexpr std::size_t alignment = 64;  // numpy pads the header so that the data is 64-byte aligned

template <class... Args>
[[noreturn]] void fail(const std::string& name, fmt::format_string<Args...> format, Args&&... args) {
  throw npy_error(fmt::format("npy file '{}': {}", name, fmt::format(format, std::forward<Args>(args)...)));
}

std::string shape_tuple(const Shape& shape) {  // Python's spelling: (), (3,), (3, 4)
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

// The header's dict literal, e.g. {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }.
// A small recursive-descent parser for the subset of Python literals numpy writes; `base` is
// the header's offset in the file, so that errors give file offsets.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, std::size_t base, const std::string& name)
      : text_(text), base_(base), name_(name) {}

  std::optional<std::string> descr;
  std::optional<bool> fortran_order;
  std::optional<Shape> shape;

  void parse() {
    skip_space();
    expect('{');
    skip_space();
    while (peek() != '}') {
      const std::size_t key_at = pos_;
      const std::string key = string();
      skip_space();
      expect(':');
      skip_space();
      if (key == "descr" && !descr) descr = string();
      else if (key == "fortran_order" && !fortran_order) fortran_order = boolean();
      else if (key == "shape" && !shape) shape = tuple();
      else if (key == "descr" || key == "fortran_order" || key == "shape")
        error_at(key_at, "header repeats the key '{}'", key);
      else
        error_at(key_at, "header has the unexpected key '{}' (expected 'descr', 'fortran_order', 'shape')",
                 key);
      skip_space();
      if (peek() != ',') break;
      ++pos_;
      skip_space();
    }
    expect('}');
    skip_space();  // numpy pads with spaces and ends with '\n'
    if (pos_ != text_.size())
      error_at(pos_, "unexpected {} after the header's closing '}}'", describe(peek()));
    if (!descr) error_at(0, "header has no 'descr' key");
    if (!fortran_order) error_at(0, "header has no 'fortran_order' key");
    if (!shape) error_at(0, "header has no 'shape' key");
  }

 private:
  template <class... Args>
  [[noreturn]] void error_at(std::size_t at, fmt::format_string<Args...> format, Args&&... args) const {
    fail(name_, "{} at byte {}", fmt::format(format, std::forward<Args>(args)...), base_ + at);
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  static std::string describe(char c) {
    if (c == '\0') return "the end of the header";
    if (c >= 0x20 && c < 0x7f) return fmt::format("'{}'", c);
    return fmt::format("byte 0x{:02x}", static_cast<unsigned char>(c));
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\t')) ++pos_;
  }
  void expect(char c) {
    if (peek() != c) error_at(pos_, "expected '{}' in the header, found {}", c, describe(peek()));
    ++pos_;
  }
  std::string string() {  // 'abc' or "abc", no escapes (numpy's keys and dtypes need none)
    const char quote = peek();
    if (quote != '\'' && quote != '"')
      error_at(pos_, "expected a quoted string in the header, found {}", describe(quote));
    const std::size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) error_at(pos_, "unterminated string in the header");
    std::string s(text_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return s;
  }
  bool boolean() {
    for (const auto& [word, value] :
         {std::pair{std::string_view("True"), true}, std::pair{std::string_view("False"), false}})
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return value;
      }
    error_at(pos_, "expected True or False in the header, found {}", describe(peek()));
  }
  std::size_t integer() {
    if (peek() < '0' || peek() > '9')
      error_at(pos_, "expected a dimension (a non-negative integer), found {}", describe(peek()));
    std::size_t n = 0;
    const std::size_t start = pos_;
    while (peek() >= '0' && peek() <= '9') {
      const std::size_t digit = static_cast<std::size_t>(peek() - '0');
      if (n > (std::numeric_limits<std::size_t>::max() - digit) / 10) error_at(start, "dimension too large");
      n = n * 10 + digit;
      ++pos_;
    }
    return n;
  }
  Shape tuple() {  // (), (3,), (3, 4), (3, 4,)
    Shape dims;
    expect('(');
    skip_space();
    while (peek() != ')') {
      dims.push_back(integer());
      skip_space();
      if (peek() != ',') break;
      ++pos_;
      skip_space();
    }
    expect(')');
    return dims;
  }

  std::string_view text_;
  std::size_t base_;
  const std::string& name_;
  std::size_t pos_ = 0;
};

// Little-endian unsigned integer of `width` bytes at `at`.
std::size_t read_le(std::string_view bytes, std::size_t at, std::size_t width) {
  std::size_t v = 0;
  for (std::size_t i = 0; i < width; ++i)
    v |= std::size_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
  return v;
}

}  // namespace

std::string encode_npy(const Tensor& t) {
  std::string header =
      fmt::format("{{'descr': '<f8', 'fortran_order': False, 'shape': {}, }}", shape_tuple(shape_of(t)));
  const std::size_t prefix = magic.size() + 4;  // magic, version, u16 length
  header.append((alignment - (prefix + header.size() + 1) % alignment) % alignment, ' ');
  header.push_back('\n');
  if (header.size() > std::numeric_limits<std::uint16_t>::max())
    throw npy_error(fmt::format(
        "encode_npy: a tensor of shape {} needs a header longer than version 1.0 allows", shape_str(t)));

  std::string bytes(magic);
  bytes += {'\x01', '\x00', static_cast<char>(header.size() & 0xff), static_cast<char>(header.size() >> 8)};
  bytes += header;
  // A Tensor is row-major and contiguous, so its buffer is already in C order.
  bytes.append(reinterpret_cast<const char*>(t.data()), t.size() * sizeof(double));
  return bytes;
}

Tensor decode_npy(std::string_view bytes, const std::string& name) {
  const std::size_t size = bytes.size();
  auto need = [&](std::size_t begin, std::size_t end, std::string_view what) {
    if (size < end)
      fail(name, "truncated at byte {}: the file ends inside {} (bytes {}..{})", size, what, begin, end - 1);
  };
  if (bytes.substr(0, magic.size()) != magic.substr(0, std::min(size, magic.size())))
    fail(name, "not a .npy file: bad magic string at byte 0 (expected \\x93NUMPY)");
  need(0, magic.size(), "the magic string \\x93NUMPY");
  need(6, 8, "the version");
  const int major = static_cast<unsigned char>(bytes[6]), minor = static_cast<unsigned char>(bytes[7]);
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    fail(name, "unsupported .npy version {}.{} at byte 6 (this reader knows 1.0, 2.0 and 3.0)", major, minor);
  const std::size_t width = major == 1 ? 2 : 4;  // the header length: u16 in 1.0, u32 from 2.0 on
  need(8, 8 + width, "the header length");
  const std::size_t header_begin = 8 + width;
  const std::size_t header_end = header_begin + read_le(bytes, 8, width);
  if (size < header_end)
    fail(name, "truncated at byte {}: the header should run to byte {}", size, header_end);

  HeaderParser header(bytes.substr(header_begin, header_end - header_begin), header_begin, name);
  header.parse();
  if (*header.descr != "<f8")
    fail(name, "dtype '{}' is not '<f8' (little-endian float64){}", *header.descr,
         *header.descr == ">f8" ? ": this file is big-endian" : "");
  if (*header.fortran_order)
    fail(name, "fortran_order is True: expected an array in C order (save it with numpy.ascontiguousarray)");

  const Shape& shape = *header.shape;
  // The product of the non-zero extents must fit a signed byte offset: a tensor's strides are
  // that product (even when another extent is 0 and there is no element), as ptrdiff_t.
  std::size_t extent = 1;
  bool empty = false;
  for (std::size_t d : shape) {
    if (d == 0) empty = true;
    else if (extent >
             static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max()) / sizeof(double) / d)
      fail(name, "shape {} is too large", shape_str(shape));
    else extent *= d;
  }
  const std::size_t count = empty ? 0 : extent;
  const std::size_t data_bytes = count * sizeof(double);
  if (size - header_end < data_bytes)
    fail(name, "truncated at byte {}: shape {} needs {} bytes of data from byte {} to byte {}", size,
         shape_str(shape), data_bytes, header_end, header_end + data_bytes);
  if (size - header_end > data_bytes)
    fail(name, "{} unexpected bytes after the data, from byte {} (shape {} needs {} bytes)",
         size - header_end - data_bytes, header_end + data_bytes, shape_str(shape), data_bytes);

  Tensor t = Tensor::from_shape(shape);
  if (data_bytes > 0) std::memcpy(t.data(), bytes.data() + header_end, data_bytes);
  return t;
}

Tensor read_npy(const std::filesystem::path& file) {
  std::error_code ec;
  const std::uintmax_t size =
      std::filesystem::file_size(file, ec);  // 0 for a device: read_regular_file says what it is
  // the bytes, then the tensor decoded from them: twice the file
  if (!ec)
    require_memory(times(static_cast<std::size_t>(std::min<std::uintmax_t>(size, SIZE_MAX)), 2),
                   fmt::format("read_npy: '{}' ({} bytes, and its tensor)", file.string(), size));
  std::string bytes;
  try {
    bytes = read_regular_file(file, std::numeric_limits<std::uintmax_t>::max());
  } catch (const input_file_error& e) {
    fail(file.string(), "cannot read: {}", e.what());
  }
  return decode_npy(bytes, file.string());
}

void write_npy(const std::filesystem::path& file, const Tensor& t) {
  const std::string bytes = encode_npy(t);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) fail(file.string(), "cannot write: {}", std::strerror(errno));
}

}  // namespace tg::nn
