// `farmgate write -c FILE POINT VALUE`: one-shot write, then read back.
#include <iostream>

#include "daemon/commands.h"
#include "daemon/format.h"
#include "daemon/ownership.h"
#include "daemon/setup.h"
#include "drivers/modbus/codec.h"
#include "drivers/modbus/oneshot.h"

namespace farmgate::daemon {

int cmd_write(const std::string& config_path, const std::string& point, const std::string& value) {
  auto config = load_config_or_report(config_path);
  if (!config) return kUsageError;
  if (!check_point_ids(*config, {point}, true, std::cerr)) return kUsageError;
  // A running gateway owns the port: frames of a second master would interleave with its own.
  if (auto busy = busy_port(*config, buses_of(*config, {point}))) {
    std::cerr << "error: " << *busy << "\n";
    return kRuntimeFailure;
  }

  const config::Point* p = config->find_point(point);
  const bool boolean = p->type == config::ValueType::boolean;
  double v = 0;
  if (!parse_point_value(value, boolean, v)) {
    std::cerr << "error: '" << value << "' is not a value for " << point << ": expected "
              << (boolean ? "on, off, true, false, 1 or 0" : "a number") << "\n";
    return kUsageError;
  }
  // A number the register cannot hold is the technician's mistake, found before any I/O.
  const modbus::PlannedWrite encoded = modbus::plan_write(*p, v);
  if (!encoded.ok) {
    const std::string prefix = point + ": ";
    const std::string why = encoded.error.rfind(prefix, 0) == 0
                                ? encoded.error.substr(prefix.size())
                                : encoded.error;
    std::cerr << "error: '" << value << "' is not a value for " << point << ": " << why << "\n";
    return kUsageError;
  }
  // Between two steps of the register: the nearest step is written, and said so.
  if (encoded.rounded)
    std::cerr << "note: " << format_number(v) << " rounded to " << format_number(encoded.value)
              << ", the nearest value " << point << " can hold\n";
  modbus::WriteResult result = modbus::write_point(*config, point, encoded.value);
  if (!result.ok) {
    // The driver's text already names the point ("P: write failed: ...").
    const bool named = result.error.rfind(point + ": ", 0) == 0;
    std::cerr << "error: " << (named ? "" : "writing " + point + ": ") << result.error << "\n";
    return kRuntimeFailure;
  }
  std::cout << point << " = "
            << (result.readback ? format_reading(*result.readback, *p) : format_number(v))
            << " (read back)\n";
  return kOk;
}

}  // namespace farmgate::daemon
