// kind: greenhouse — one drip zone: the soil's volumetric water content (VWC) seen by a Seeed
// SenseCAP S-Temp&VWC&EC-02 probe (config/profiles/seeed-sensecap-s-temp-vwc-ec-02.yaml:
// holding 0 temperature int16 x0.01 °C, 1 VWC uint16 x0.01 %, 2 EC uint16 µS/cm), a drip
// valve on a relay coil, and optionally the house's air seen by an XY-MD02
// (config/profiles/xy-md02.yaml: input 1 temperature int16 x0.1 °C, 2 humidity x0.1 %).
//
//   dVWC/dt = -(et_night + et_day * daylight) * min(1, VWC / field_capacity)
//             + drip (while the valve is open) - drainage above field capacity
//
// Plants dry the soil by day (evapotranspiration follows the sun) and a little at night; an
// open valve wets it quickly. Rates are % VWC per simulated hour.
#include <algorithm>
#include <optional>
#include <random>

#include "tools/farmsim/models/kinds.h"

namespace farmsim::models {
namespace {

class Greenhouse : public Physics {
 public:
  explicit Greenhouse(Params& p)
      : probe_(p.unit("probe", true).value_or(0)),
        air_(p.unit("air", false)),
        valve_(p.coil("valve")),
        vwc_(p.number("vwc", 30, 0, 100)),
        field_capacity_(p.number("field_capacity", 40, 1, 100)),
        drip_(p.number("drip", 15, 0, 200)),
        et_day_(p.number("et_day", 2.5, 0, 50)),
        et_night_(p.number("et_night", 0.3, 0, 50)),
        soil_temp_(p.number("soil_temp", 20, -20, 50)),
        air_temp_(p.number("air_temp", 22, -20, 50)),
        air_swing_(p.number("air_swing", 6, 0, 30)),
        ec_(p.number("ec", 900, 0, 20000)),
        noise_(p.number("noise", 0.1, 0, 5)),
        rng_(unsigned(p.number("seed", 2, 0, 1e9))) {}

  void step(RegisterBank& bank, const SimClock& clock, double dt_h) override {
    double h = clock.hour_of_day();
    double et = (et_night_ + et_day_ * daylight(h)) * std::min(1.0, vwc_ / field_capacity_);
    double drain = vwc_ > field_capacity_ ? 2.0 * (vwc_ - field_capacity_) : 0;
    double in = valve_.on(bank) ? drip_ : 0;
    vwc_ = std::clamp(vwc_ + (in - et - drain) * dt_h, 0.0, 60.0);

    std::normal_distribution<double> n(0, noise_ > 0 ? noise_ : 1e-9);
    double soil_t = day_curve(h, soil_temp_, 2, 16);
    put_scaled(bank, probe_, Table::holding, 0, soil_t + n(rng_) / 2, 0.01, true);
    put_scaled(bank, probe_, Table::holding, 1, std::max(0.0, vwc_ + n(rng_)), 0.01, false);
    // Salts concentrate as the soil dries.
    put_scaled(bank, probe_, Table::holding, 2, ec_ * 30 / std::max(vwc_, 5.0), 1, false);
    if (air_) {
      double air_t = day_curve(h, air_temp_, air_swing_, 14) + n(rng_);
      double rh = std::clamp(70 - 2.5 * (air_t - air_temp_) + 4 * n(rng_), 15.0, 100.0);
      put_scaled(bank, *air_, Table::input, 1, air_t, 0.1, true);
      put_scaled(bank, *air_, Table::input, 2, rh, 0.1, false);
    }
  }

 private:
  int probe_;
  std::optional<int> air_;
  CoilRef valve_;
  double vwc_, field_capacity_, drip_, et_day_, et_night_, soil_temp_, air_temp_, air_swing_,
      ec_, noise_;
  std::mt19937 rng_;
};

}  // namespace

std::unique_ptr<Physics> make_greenhouse(Params& p) { return std::make_unique<Greenhouse>(p); }

}  // namespace farmsim::models
