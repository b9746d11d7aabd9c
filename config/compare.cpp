#include "config/compare.h"

#include <tuple>

namespace farmgate::config {
namespace {

// The fields that matter, as a tuple; the structured binding names every field of the
// struct. A compile error here means a field was added to config.h: list it below (or, like
// `pos`, say why it does not count) and classify it in daemon/reload_plan.cpp.
auto fields(const Point& p) {
  const auto& [name, id, table, address, type, order, scale, offset, unit, valid_min, valid_max,
               writable, precision, deadband, report_every, pos] = p;
  (void)pos;  // where it was written: no behaviour
  return std::tie(name, id, table, address, type, order, scale, offset, unit, valid_min,
                  valid_max, writable, precision, deadband, report_every);
}

auto fields(const Device& d) {
  const auto& [name, bus, unit, poll, stale_after, max_registers, max_gap, profile, points,
               pos] = d;
  (void)pos;
  // `profile` counts: a renamed profile with the same points still polls the same, but a
  // summary and `status` name it; restarting one bus for it is cheap.
  return std::tie(name, bus, unit, poll, stale_after, max_registers, max_gap, profile, points);
}

auto fields(const RtuSettings& r) {
  const auto& [device, baud, parity, data_bits, stop_bits, rs485] = r;
  return std::tie(device, baud, parity, data_bits, stop_bits, rs485);
}

auto fields(const TcpSettings& t) {
  const auto& [host, port] = t;
  return std::tie(host, port);
}

auto fields(const Bus& b) {
  const auto& [name, link, timeout, gap, retries, pos] = b;
  (void)pos;
  return std::tie(name, link, timeout, gap, retries);
}

auto fields(const Gateway& g) {
  const auto& [id, site, timezone] = g;
  return std::tie(id, site, timezone);
}

auto fields(const Storage& s) {
  const auto& [path, max_size, commit_interval, keep_sent] = s;
  return std::tie(path, max_size, commit_interval, keep_sent);
}

auto fields(const Uplink& u) {
  const auto& [profile, urls, client_id, username, password_file, ca_file, cert_file, key_file,
               topic_prefix, max_batch, publish_interval, status_interval, ack_timeout,
               allow_insecure, compress, group, command_hold, pos] = u;
  (void)pos;
  // `profile` counts: another profile speaks other topics, so the link is made again.
  return std::tie(profile, urls, client_id, username, password_file, ca_file, cert_file, key_file,
                  topic_prefix, max_batch, publish_interval, status_interval, ack_timeout,
                  allow_insecure, compress, group, command_hold);
}

}  // namespace

bool operator==(const Point& a, const Point& b) { return fields(a) == fields(b); }
bool operator==(const Device& a, const Device& b) { return fields(a) == fields(b); }
bool operator==(const RtuSettings& a, const RtuSettings& b) { return fields(a) == fields(b); }
bool operator==(const TcpSettings& a, const TcpSettings& b) { return fields(a) == fields(b); }
bool operator==(const Bus& a, const Bus& b) { return fields(a) == fields(b); }
bool operator==(const Gateway& a, const Gateway& b) { return fields(a) == fields(b); }
bool operator==(const Storage& a, const Storage& b) { return fields(a) == fields(b); }
bool operator==(const Uplink& a, const Uplink& b) { return fields(a) == fields(b); }

}  // namespace farmgate::config
