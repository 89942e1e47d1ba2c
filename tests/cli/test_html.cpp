// Escaping and data: URIs for the report's page (cli/html.cpp).
#include <doctest/doctest.h>

#include <string>

#include "cli/html.hpp"

using tg::cli::base64;
using tg::cli::data_uri;
using tg::cli::escape_xml;

TEST_CASE("escape_xml replaces the five characters XML reserves, and only them") {
  CHECK(escape_xml(R"(a<b & "c" > 'd')") == "a&lt;b &amp; &quot;c&quot; &gt; &#39;d&#39;");
  CHECK(escape_xml("δ^2 = ∂C/∂z^2") == "δ^2 = ∂C/∂z^2");  // UTF-8 passes through
  CHECK(escape_xml("&amp;") == "&amp;amp;");              // escaped again, not taken as an entity
  CHECK(escape_xml("").empty());
}

TEST_CASE("base64 is RFC 4648's, with padding") {
  // RFC 4648, section 10.
  CHECK(base64("") == "");
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foo") == "Zm9v");
  CHECK(base64("foob") == "Zm9vYg==");
  CHECK(base64("fooba") == "Zm9vYmE=");
  CHECK(base64("foobar") == "Zm9vYmFy");
  CHECK(base64(std::string("\x00\xff\xfe", 3)) == "AP/+");  // bytes above 127 and zero
  CHECK(data_uri("image/png", "foo") == "data:image/png;base64,Zm9v");
}
