#include "drivers/modbus/link.h"

#include <modbus.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "common/file_lock.h"
#include "common/log.h"
#include "drivers/modbus/mbap.h"
#include "drivers/modbus/pdu.h"

namespace farmgate::modbus {
namespace {

constexpr int kTcpTimeoutsBeforeReconnect = 3;

const char* exception_name(int code) {
  switch (code) {
    case 1: return "illegal function";
    case 2: return "illegal data address";
    case 3: return "illegal data value";
    case 4: return "server device failure";
    case 5: return "acknowledge";
    case 6: return "server device busy";
    case 7: return "negative acknowledge";
    case 8: return "memory parity error";
    case 10: return "gateway path unavailable";
    case 11: return "gateway target device failed to respond";
  }
  return "unknown exception";
}

std::string lower_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

std::string describe(const config::Bus& bus) {
  if (auto* rtu = std::get_if<config::RtuSettings>(&bus.link)) return rtu->device;
  const auto& tcp = std::get<config::TcpSettings>(bus.link);
  return tcp.host + ":" + std::to_string(tcp.port);
}

std::chrono::microseconds min_gap(const config::Bus& bus) {
  auto* rtu = std::get_if<config::RtuSettings>(&bus.link);
  if (!rtu) return std::chrono::microseconds(0);
  // Modbus over serial line, §2.5.1.1: above 19200 baud t3.5 is fixed at 1750 µs.
  if (rtu->baud > 19200) return std::chrono::microseconds(1750);
  const int bits = 1 + rtu->data_bits + (rtu->parity == 'N' ? 0 : 1) + rtu->stop_bits;
  return std::chrono::microseconds(3500000LL * bits / std::max(1, rtu->baud) / 1000 + 1);
}

using Clock = std::chrono::steady_clock;

enum class Io { ok, timeout, broken };

// Reads exactly `n` bytes before `deadline`; `*got` says how many came.
Io recv_exact(int fd, std::uint8_t* p, std::size_t n, Clock::time_point deadline,
              std::size_t* got) {
  *got = 0;
  while (*got < n) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now() + std::chrono::microseconds(999));
    if (left.count() <= 0) return Io::timeout;
    pollfd pfd{fd, POLLIN, 0};
    const int rc = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno != EINTR) return Io::broken;
    if (rc <= 0) continue;
    const ssize_t k = ::recv(fd, p + *got, n - *got, MSG_DONTWAIT);
    if (k == 0) {
      errno = ECONNRESET;
      return Io::broken;
    }
    if (k < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      return Io::broken;
    }
    *got += static_cast<std::size_t>(k);
  }
  return Io::ok;
}

Io send_all(int fd, const std::vector<std::uint8_t>& b, Clock::time_point deadline) {
  std::size_t sent = 0;
  while (sent < b.size()) {
    const ssize_t k = ::send(fd, b.data() + sent, b.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (k > 0) {
      sent += static_cast<std::size_t>(k);
      continue;
    }
    if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return Io::broken;
    if (Clock::now() >= deadline) return Io::timeout;
    pollfd pfd{fd, POLLOUT, 0};
    ::poll(&pfd, 1, 10);
  }
  return Io::ok;
}

// Discards what already waits in the socket: late replies, junk. false when the peer closed.
bool drain(int fd) {
  std::uint8_t buf[512];
  for (;;) {
    const ssize_t k = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (k > 0) continue;
    return k < 0;  // 0: orderly shutdown by the peer
  }
}

}  // namespace

const char* to_string(LinkError e) {
  switch (e) {
    case LinkError::none: return "none";
    case LinkError::timeout: return "timeout";
    case LinkError::exception: return "exception";
    case LinkError::protocol: return "protocol";
    case LinkError::link: return "link";
    case LinkError::invalid: return "invalid";
  }
  return "?";
}

Link::Link(config::Bus bus) : bus_(std::move(bus)) {
  gap_ = std::max<std::chrono::microseconds>(bus_.gap, min_gap(bus_));
  if (auto* rtu = std::get_if<config::RtuSettings>(&bus_.link)) {
    ctx_ = modbus_new_rtu(rtu->device.c_str(), rtu->baud, rtu->parity, rtu->data_bits,
                          rtu->stop_bits);
  } else {
    const auto& tcp = std::get<config::TcpSettings>(bus_.link);
    ctx_ = modbus_new_tcp_pi(tcp.host.c_str(), std::to_string(tcp.port).c_str());
  }
  if (ctx_) {
    const long ms = std::max<long>(1, static_cast<long>(bus_.timeout.count()));
    modbus_set_response_timeout(ctx_, static_cast<uint32_t>(ms / 1000),
                                static_cast<uint32_t>((ms % 1000) * 1000));
  }
}

Link::~Link() {
  close();
  if (ctx_) modbus_free(ctx_);
}

bool Link::open(std::string* error) {
  if (connected_) return true;
  auto fail = [&](const std::string& why) {
    if (error) *error = why;
    return false;
  };
  if (!ctx_) return fail("cannot set up " + describe(bus_) + ": invalid settings");
  if (auto* rtu = std::get_if<config::RtuSettings>(&bus_.link)) {
    struct stat st {};
    // An unplugged USB adapter: its path is gone until it comes back.
    if (stat(rtu->device.c_str(), &st) != 0)
      return fail("cannot open " + rtu->device + ": " + lower_first(std::strerror(errno)));
  }
  if (modbus_connect(ctx_) == -1) {
    // EBUSY: another process opened the port exclusively (TIOCEXCL, below).
    if (bus_.is_rtu() && errno == EBUSY)
      return fail("busy: " + describe(bus_) + " is in use by " + flock_holder(describe(bus_)));
    const std::string verb = bus_.is_rtu() ? "cannot open " : "connect ";
    return fail(verb + describe(bus_) + ": " + lower_first(modbus_strerror(errno)));
  }
  if (bus_.is_rtu()) {
    // One master per RS-485 line (spec §7): the flock tells farmgate processes (and names
    // the holder), TIOCEXCL keeps every other non-root program from opening the port.
    const int fd = modbus_get_socket(ctx_);
    if (!flock_exclusive(fd)) {
      modbus_close(ctx_);
      return fail("busy: " + describe(bus_) + " is in use by " + flock_holder(describe(bus_)));
    }
    ioctl(fd, TIOCEXCL);
  }
  if (auto* rtu = std::get_if<config::RtuSettings>(&bus_.link); rtu && rtu->rs485) {
    if (modbus_rtu_set_serial_mode(ctx_, MODBUS_RTU_RS485) == -1 && !rs485_warned_) {
      rs485_warned_ = true;
      log::warning("bus ", bus_.name, ": RS-485 mode not available on ", rtu->device, " (",
                   modbus_strerror(errno), "); relying on the adapter's direction control");
    }
  }
  connected_ = true;
  timeouts_in_a_row_ = 0;
  last_end_ = std::chrono::steady_clock::now();
  return true;
}

void Link::close() {
  if (connected_ && ctx_ && bus_.is_rtu()) ioctl(modbus_get_socket(ctx_), TIOCNXCL);
  if (connected_ && ctx_) modbus_close(ctx_);
  connected_ = false;
}

void Link::keep_gap() {
  const auto due = last_end_ + gap_;
  if (std::chrono::steady_clock::now() < due) std::this_thread::sleep_until(due);
}

LinkResult Link::failure(int unit, int err) {
  LinkResult r;
  if (err == ETIMEDOUT) {
    r.kind = LinkError::timeout;
    r.error = "timeout: no reply from unit " + std::to_string(unit);
    modbus_flush(ctx_);  // a late reply must not be taken for the next one's
    if (!bus_.is_rtu() && ++timeouts_in_a_row_ >= kTcpTimeoutsBeforeReconnect) close();
    return r;
  }
  timeouts_in_a_row_ = 0;
  if (err > MODBUS_ENOBASE && err <= EMBXGTAR) {
    r.kind = LinkError::exception;
    r.exception_code = err - MODBUS_ENOBASE;
    r.error = std::string(exception_name(r.exception_code)) + " (exception " +
              std::to_string(r.exception_code) + ")";
    return r;
  }
  if (err >= EMBBADCRC && err <= EMBBADSLAVE) {
    r.kind = LinkError::protocol;
    r.error = err == EMBBADCRC ? "bad CRC" : lower_first(modbus_strerror(err));
    modbus_flush(ctx_);
    return r;
  }
  r.kind = LinkError::link;
  r.error = describe(bus_) + ": " + lower_first(modbus_strerror(err));
  close();
  return r;
}

template <typename F>
LinkResult Link::transact(int unit, F&& call) {
  LinkResult r;
  if (!open(&r.error)) {
    r.kind = LinkError::link;
    return r;
  }
  keep_gap();
  modbus_set_slave(ctx_, unit);
  errno = 0;
  const int rc = call();
  const int err = errno;
  last_end_ = std::chrono::steady_clock::now();
  if (rc == -1) return failure(unit, err);
  timeouts_in_a_row_ = 0;
  return r;
}

void Link::abort() {
  // An abortive close (RST): the peer's end does not linger in TIME_WAIT, which on a device
  // with few connection slots, or a server restarting on its port, would block the next one.
  // libmodbus's own close shuts the socket down first (a FIN), so close it here.
  if (connected_ && ctx_ && !bus_.is_rtu()) {
    const int fd = modbus_get_socket(ctx_);
    const linger hard{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    ::close(fd);
    modbus_set_socket(ctx_, -1);
    connected_ = false;
  }
  close();
}

LinkResult Link::tcp_broken(const std::string& why) {
  LinkResult r;
  r.kind = LinkError::link;
  r.error = describe(bus_) + ": " + why;
  abort();
  return r;
}

LinkResult Link::tcp_transact(int unit, const std::vector<std::uint8_t>& request) {
  LinkResult r;
  if (!open(&r.error)) {
    r.kind = LinkError::link;
    return r;
  }
  keep_gap();
  const int fd = modbus_get_socket(ctx_);
  struct EndStamp {
    Clock::time_point& at;
    ~EndStamp() { at = Clock::now(); }
  } stamp{last_end_};
  if (!drain(fd)) return tcp_broken("connection closed by the peer");
  const std::uint16_t tid = ++transaction_;
  const auto deadline = Clock::now() + bus_.timeout;
  const Io sent = send_all(fd, tcp_frame(tid, static_cast<std::uint8_t>(unit), request), deadline);
  if (sent == Io::broken) return tcp_broken(lower_first(std::strerror(errno)));
  if (sent == Io::timeout) return tcp_broken("cannot send: the peer does not read");
  std::uint8_t head[kMbapSize];
  std::vector<std::uint8_t> pdu;
  for (;;) {
    std::size_t got = 0;  // bytes of this frame received so far
    Io in = recv_exact(fd, head, kMbapSize, deadline, &got);
    Mbap m;
    if (in == Io::ok) {
      m = parse_mbap(head);
      // Not a frame's start: junk, or a stream out of step. Only a new connection re-aligns.
      if (!m.plausible()) {
        LinkResult bad = tcp_broken("garbled reply (not Modbus TCP framing); reconnecting");
        bad.kind = LinkError::protocol;
        return bad;
      }
      pdu.resize(m.pdu_size());
      std::size_t pdu_got = 0;
      in = recv_exact(fd, pdu.data(), pdu.size(), deadline, &pdu_got);
      got += pdu_got;
    }
    if (in == Io::broken) return tcp_broken(lower_first(std::strerror(errno)));
    if (in == Io::timeout && got > 0) {
      // Something answered, so this is not silence (a technician looks at the wiring, not at
      // the unit id); the stream is left mid-frame and only a new connection re-aligns it.
      r.kind = LinkError::protocol;
      r.error = "unit " + std::to_string(unit) + ": truncated reply (" + std::to_string(got) +
                (got == 1 ? " byte)" : " bytes)");
      abort();
      return r;
    }
    if (in == Io::timeout) {
      r.kind = LinkError::timeout;
      r.error = "timeout: no reply from unit " + std::to_string(unit);
      // A late whole reply is dropped by its transaction id, or with the drain before the
      // next request.
      if (++timeouts_in_a_row_ >= kTcpTimeoutsBeforeReconnect) abort();
      return r;
    }
    if (m.transaction != tid) continue;  // a late answer to an earlier request: not ours
    drain(fd);                           // junk after the reply
    if (m.unit != unit) {
      r.kind = LinkError::protocol;
      r.error = "reply from unit " + std::to_string(m.unit) + " to a request for unit " +
                std::to_string(unit);
      return r;
    }
    const ReplyCheck c = check_reply(request, pdu.data(), pdu.size());
    timeouts_in_a_row_ = 0;
    switch (c.kind) {
      case ReplyCheck::Kind::data:
        r.values = c.values;
        return r;
      case ReplyCheck::Kind::exception:
        r.kind = LinkError::exception;
        r.exception_code = c.exception_code;
        r.error = std::string(exception_name(c.exception_code)) + " (exception " +
                  std::to_string(c.exception_code) + ")";
        return r;
      case ReplyCheck::Kind::mismatch:
        r.kind = LinkError::protocol;
        r.error = "unit " + std::to_string(unit) + ": " + c.why;
        return r;
    }
  }
}

LinkResult Link::read(int unit, config::Table table, std::uint16_t address, std::uint16_t count) {
  using config::Table;
  const bool bits = config::is_bit_table(table);
  if (count == 0 || count > (bits ? MODBUS_MAX_READ_BITS : MODBUS_MAX_READ_REGISTERS))
    return {LinkError::invalid, "cannot read " + std::to_string(count) + " at once", 0, {}};
  if (!bus_.is_rtu()) return tcp_transact(unit, read_request(table, address, count));
  std::vector<std::uint16_t> regs(bits ? 0 : count);
  std::vector<std::uint8_t> bitv(bits ? count : 0);
  LinkResult r = transact(unit, [&] {
    switch (table) {
      case Table::coil: return modbus_read_bits(ctx_, address, count, bitv.data());
      case Table::discrete: return modbus_read_input_bits(ctx_, address, count, bitv.data());
      case Table::holding: return modbus_read_registers(ctx_, address, count, regs.data());
      case Table::input: return modbus_read_input_registers(ctx_, address, count, regs.data());
    }
    return -1;
  });
  if (!r.ok()) return r;
  if (bits)
    r.values.assign(bitv.begin(), bitv.end());
  else
    r.values = std::move(regs);
  return r;
}

LinkResult Link::write(int unit, config::Table table, std::uint16_t address,
                       const std::vector<std::uint16_t>& values) {
  using config::Table;
  if (table == Table::input || table == Table::discrete)
    return {LinkError::invalid, std::string(config::to_string(table)) + " is read-only", 0, {}};
  if (values.empty()) return {LinkError::invalid, "nothing to write", 0, {}};
  const int n = static_cast<int>(values.size());
  if (n > (table == Table::coil ? MODBUS_MAX_WRITE_BITS : MODBUS_MAX_WRITE_REGISTERS))
    return {LinkError::invalid, "cannot write " + std::to_string(n) + " at once", 0, {}};
  if (!bus_.is_rtu()) return tcp_transact(unit, write_request(table, address, values));
  if (table == Table::coil) {
    std::vector<std::uint8_t> bits(values.begin(), values.end());
    return transact(unit, [&] {
      return n == 1 ? modbus_write_bit(ctx_, address, bits[0] ? 1 : 0)
                    : modbus_write_bits(ctx_, address, n, bits.data());
    });
  }
  return transact(unit, [&] {
    return n == 1 ? modbus_write_register(ctx_, address, values[0])
                  : modbus_write_registers(ctx_, address, n, values.data());
  });
}

}  // namespace farmgate::modbus
