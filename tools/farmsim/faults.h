// Misbehaviour on demand, per unit: what a broken or badly wired device does to a client.
//
//   none            answers normally
//   silent          never answers (a dead or absent device: the client times out)
//   exception CODE  answers every request with that exception code (1..255), changes nothing
//   slow MS         answers MS milliseconds late
//   flaky           answers the 1st, 3rd, 5th... request after the fault was set, drops the rest
//   badcrc          RTU: the reply's CRC is wrong (TCP has no CRC: answers normally)
//   wrongunit [ID]  the reply carries unit ID (default: the unit + 1) instead of its own
//   truncate        the reply frame loses its last 3 bytes (at least 1 byte is sent)
//
// A dropped request (silent, flaky) changes nothing, as if it had been lost on the wire.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace farmsim {

struct Fault {
  enum class Mode { none, silent, exception, slow, flaky, badcrc, wrongunit, truncate };
  Mode mode = Mode::none;
  int arg = 0;  // exception code, delay in ms, or wrong unit id (-1: unit + 1)

  std::string str() const;  // "slow 300", as parse() reads it
};

// Parses "MODE [ARG]" from its words; on failure returns nullopt and sets `error`.
std::optional<Fault> parse_fault(const std::vector<std::string>& words, std::string* error);
std::optional<Fault> parse_fault(const std::string& text, std::string* error);

// What the transport must do with a request for a unit under a fault.
struct ReplyPlan {
  bool answer = true;     // false: drop the request, send nothing
  bool process = true;    // run the request against the tables (false: exception only)
  uint8_t exception = 0;  // non-zero: reply with this exception code instead
  std::chrono::milliseconds delay{0};
  int reply_unit = -1;       // >= 0: put this unit id in the reply
  bool corrupt_crc = false;  // RTU
  bool truncate = false;
};

// The plan for the next request of `unit`. `flaky_count` is the unit's count of requests
// since the fault was set; the call increments it.
ReplyPlan plan_reply(const Fault& fault, int unit, long* flaky_count);

// Applied to a complete frame on the wire: keeps all but the last 3 bytes, at least one.
void truncate_frame(std::vector<uint8_t>* frame);

}  // namespace farmsim
