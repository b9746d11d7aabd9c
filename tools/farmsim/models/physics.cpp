#include "tools/farmsim/models/physics.h"

#include <algorithm>
#include <cmath>

namespace farmsim::models {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

double SimClock::hour_of_day() const {
  double s = std::fmod(now_s(), 86400.0);
  return s / 3600.0;
}

int SimClock::day() const { return int(now_s() / 86400.0); }

double daylight(double hour) {
  if (hour <= 6 || hour >= 18) return 0;
  return std::sin(kPi * (hour - 6) / 12);
}

double day_curve(double hour, double mean, double swing, double peak_hour) {
  return mean + swing * std::cos(2 * kPi * (hour - peak_hour) / 24);
}

bool CoilRef::on(RegisterBank& bank) const {
  UnitTables* u = bank.find(unit);
  return u && u->contains(Table::coil, address, 1) && u->get(Table::coil, address) != 0;
}

void put_scaled(RegisterBank& bank, int unit, Table table, int address, double value,
                double scale, bool is_signed) {
  UnitTables& u = bank.unit(unit);
  if (!u.contains(table, address, 1)) return;  // a shrunken table: the sensor has no such register
  double raw = std::round(value / scale);
  raw = is_signed ? std::clamp(raw, -32768.0, 32767.0) : std::clamp(raw, 0.0, 65535.0);
  u.set(table, address, static_cast<uint16_t>(static_cast<int32_t>(raw) & 0xFFFF));
}

}  // namespace farmsim::models
