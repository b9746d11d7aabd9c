// kind: pond — a fish pond's dissolved oxygen and water temperature, seen by a Supmea
// SUP-DO7013 probe (config/profiles/supmea-sup-do7013.yaml: holding 0 temperature int16
// x0.1 °C, 1 DO int16 x0.01 mg/L, 2 saturation int16 x0.1 %), with an aerator on a relay coil.
//
//   dDO/dt = photosynthesis * daylight - respiration * 1.05^(T-25) + k * (Cs(T) - DO)
//
// k is the surface re-aeration, plus `aeration` while the aerator coil is on; Cs is the
// saturation of fresh water at T. Photosynthesis stops at night while fish, plankton and mud
// keep breathing: DO sags all night unless the aerator runs. Rates are per simulated hour.
#include <algorithm>
#include <cmath>
#include <random>

#include "tools/farmsim/models/kinds.h"

namespace farmsim::models {
namespace {

// mg/L at saturation in fresh water at sea level (APHA polynomial, 0-40 °C).
double saturation_do(double t) {
  return 14.652 - 0.41022 * t + 0.007991 * t * t - 0.000077774 * t * t * t;
}

class Pond : public Physics {
 public:
  explicit Pond(Params& p)
      : probe_(p.unit("probe", true).value_or(0)),
        aerator_(p.coil("aerator")),
        do_(p.number("do", 6.0, 0, 20)),
        temp_mean_(p.number("water_temp", 26, -5, 40)),
        temp_swing_(p.number("water_swing", 1.5, 0, 10)),
        respiration_(p.number("respiration", 0.8, 0, 10)),
        photosynthesis_(p.number("photosynthesis", 2.5, 0, 20)),
        aeration_(p.number("aeration", 0.6, 0, 20)),
        reaeration_(p.number("reaeration", 0.03, 0, 5)),
        noise_(p.number("noise", 0.02, 0, 2)),
        rng_(unsigned(p.number("seed", 1, 0, 1e9))) {}

  void step(RegisterBank& bank, const SimClock& clock, double dt_h) override {
    double h = clock.hour_of_day();
    double t = day_curve(h, temp_mean_, temp_swing_, 16);
    double cs = saturation_do(t);
    double k = reaeration_ + (aerator_.on(bank) ? aeration_ : 0);
    double rate = photosynthesis_ * daylight(h) - respiration_ * std::pow(1.05, t - 25) +
                  k * (cs - do_);
    do_ = std::clamp(do_ + rate * dt_h, 0.0, 20.0);

    std::normal_distribution<double> n(0, noise_ > 0 ? noise_ : 1e-9);
    double shown = std::max(0.0, do_ + n(rng_));
    put_scaled(bank, probe_, Table::holding, 0, t + n(rng_), 0.1, true);
    put_scaled(bank, probe_, Table::holding, 1, shown, 0.01, true);
    put_scaled(bank, probe_, Table::holding, 2, 100 * shown / cs, 0.1, true);
  }

 private:
  int probe_;
  CoilRef aerator_;
  double do_, temp_mean_, temp_swing_, respiration_, photosynthesis_, aeration_, reaeration_,
      noise_;
  std::mt19937 rng_;
};

}  // namespace

std::unique_ptr<Physics> make_pond(Params& p) { return std::make_unique<Pond>(p); }

}  // namespace farmsim::models
