#include "tests/uplink/tahu_codec.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "tests/support/temp_dir.h"

namespace farmgate::test {
namespace {

using json = nlohmann::json;

const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(const std::string& in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kB64[(n >> k) & 63];
  }
  if (i < in.size()) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kB64[(n >> 18) & 63];
    out += kB64[(n >> 12) & 63];
    out += i + 1 < in.size() ? kB64[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string unbase64(const std::string& in) {
  std::string out;
  unsigned n = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::strchr(kB64, c);
    if (c == '=' || !p || !c) continue;
    n = (n << 6) | static_cast<unsigned>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((n >> bits) & 0xff);
    }
  }
  return out;
}

std::string run_codec(const std::string& mode, const std::string& input) {
  TempDir dir;
  const std::string in = dir.file("in");
  std::ofstream(in) << input;
  const std::string codec =
      std::string(FARMGATE_SOURCE_DIR) + "/tests/support/sparkplug/codec.js";
  FILE* f = ::popen(("node " + codec + " " + mode + " < " + in).c_str(), "r");
  REQUIRE(f);
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  REQUIRE(::pclose(f) == 0);
  return out;
}

}  // namespace

std::vector<json> tahu_decode(const std::vector<ProbeMessage>& messages) {
  std::string lines;
  for (const auto& m : messages)
    if (m.topic.find("CMD/") == std::string::npos)
      lines += json{{"topic", m.topic}, {"payload", base64(m.payload)}}.dump() + "\n";
  std::vector<json> out;
  if (lines.empty()) return out;
  std::istringstream in(run_codec("decode", lines));
  for (std::string line; std::getline(in, line);) {
    json j = json::parse(line);
    INFO(line);
    REQUIRE_FALSE(j.contains("error"));
    out.push_back(std::move(j));
  }
  return out;
}

std::string tahu_encode(const json& payload) { return unbase64(run_codec("encode", payload.dump())); }

const std::vector<json>& TahuReader::messages() {
  const auto all = probe_.messages();
  if (all.size() > read_) {
    const std::vector<ProbeMessage> fresh(all.begin() + static_cast<std::ptrdiff_t>(read_), all.end());
    for (auto& j : tahu_decode(fresh)) decoded_.push_back(std::move(j));
    read_ = all.size();
  }
  return decoded_;
}

}  // namespace farmgate::test
