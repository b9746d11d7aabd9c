// `farmgate write -c FILE POINT VALUE`: one-shot write, then read back.
#include <iostream>

#include "daemon/commands.h"
#include "daemon/format.h"
#include "daemon/setup.h"
#include "drivers/modbus/codec.h"
#include "drivers/modbus/oneshot.h"

namespace farmgate::daemon {

int cmd_write(const std::string& config_path, const std::string& point, const std::string& value) {
  auto config = load_config_or_report(config_path);
  if (!config) return kUsageError;
  if (!check_point_ids(*config, {point}, true, std::cerr)) return kUsageError;

  const config::Point* p = config->find_point(point);
  const bool boolean = p->type == config::ValueType::boolean;
  double v = 0;
  if (!parse_point_value(value, boolean, v)) {
    std::cerr << "error: '" << value << "' is not a value for " << point << ": expected "
              << (boolean ? "on, off, true, false, 1 or 0" : "a number") << "\n";
    return kUsageError;
  }
  // A number the register cannot hold is the technician's mistake, found before any I/O.
  const modbus::Encoded encoded = modbus::encode(*p, v);
  if (!encoded.ok) {
    const std::string prefix = point + ": ";
    const std::string why = encoded.error.rfind(prefix, 0) == 0
                                ? encoded.error.substr(prefix.size())
                                : encoded.error;
    std::cerr << "error: '" << value << "' is not a value for " << point << ": " << why << "\n";
    return kUsageError;
  }
  modbus::WriteResult result = modbus::write_point(*config, point, v);
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
