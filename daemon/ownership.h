// One gateway per buffer and per serial port (spec §7). `farmgate run` claims, before it
// opens anything: the buffer, through a lock file beside it (`storage.path` + ".lock", which
// stays put when a corrupt buffer is moved aside), and every serial port its buses use. A
// claim held by another process is an error naming the holder's pid; the daemon exits 1.
// The ports' own locks are taken by the Link that opens them (drivers/modbus/link.h) and
// held while open; the one-shot commands (`read`, `write`, `scan`) check first and stop with
// `busy` rather than interleave frames with a running daemon on a half-duplex RS-485 line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/file_lock.h"
#include "config/config.h"

namespace farmgate::daemon {

// The buffer's lock, held for the daemon's life. Throws std::runtime_error when another
// process holds it ("... in use by farmgate (pid 1234): ..."). When the lock file cannot even
// be created (a missing folder, no permission) it returns an unheld lock and leaves the error
// to the store, which opens the buffer next and says what is wrong with its path.
LockFile claim_buffer(const config::Config& config);

// Throws std::runtime_error when a serial port of `config` is held by another process.
void check_serial_ports(const config::Config& config);

// For the one-shot commands: the text of the `busy` error when a serial port of one of
// `buses` is held by another process (farmgate run, usually); nullopt when all are free.
std::optional<std::string> busy_port(const config::Config& config,
                                     const std::vector<std::string>& buses);

// The buses that serve `point_ids` (unknown ids are skipped: they are reported elsewhere).
std::vector<std::string> buses_of(const config::Config& config,
                                  const std::vector<std::string>& point_ids);

}  // namespace farmgate::daemon
