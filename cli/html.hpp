// Pieces of self-contained HTML and SVG: text escaped for XML, and bytes as base64 data: URIs
// (so that a page carries its images inside and opens without a network).
#pragma once

#include <string>
#include <string_view>

namespace tg::cli {

// text with & < > " ' replaced by entities: safe as XML/HTML element text and attribute values.
std::string escape_xml(std::string_view text);

// The bytes in base64 (RFC 4648, with '=' padding).
std::string base64(std::string_view bytes);

// "data:<mime>;base64,<the bytes in base64>", e.g. data_uri("image/png", png).
std::string data_uri(std::string_view mime, std::string_view bytes);

}  // namespace tg::cli
