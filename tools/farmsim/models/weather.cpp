// kind: weather — outdoor air and wind, each part optional:
//   air:            XY-MD02 (config/profiles/xy-md02.yaml: input 1 temperature int16 x0.1 °C,
//                   2 humidity x0.1 %)
//   wind_speed:     Renke RS-FSJT-N01 (renke-rs-fsjt-n01.yaml: holding 0 uint16 x0.1 m/s)
//   wind_direction: Renke RS-FX-N01 (renke-rs-fx-n01.yaml: holding 0 sector 0-7, 1 degrees)
// Air temperature follows a day curve (warmest at 15:00) plus a slowly wandering deviation;
// humidity moves against it; wind speed wanders around a mean that rises in the afternoon
// (an Ornstein-Uhlenbeck process: smooth, with gusts), and its direction drifts.
#include <algorithm>
#include <cmath>
#include <optional>
#include <random>

#include "tools/farmsim/models/kinds.h"

namespace farmsim::models {
namespace {

class Weather : public Physics {
 public:
  explicit Weather(Params& p)
      : air_(p.unit("air", false)),
        wind_speed_(p.unit("wind_speed", false)),
        wind_dir_(p.unit("wind_direction", false)),
        temp_mean_(p.number("temp", 8, -40, 50)),
        temp_swing_(p.number("temp_swing", 6, 0, 30)),
        humidity_(p.number("humidity", 75, 0, 100)),
        wind_mean_(p.number("wind", 3, 0, 30)),
        gust_(p.number("gust", 1.5, 0, 20)),
        direction_(p.number("direction", 225, 0, 360)),
        rng_(unsigned(p.number("seed", 3, 0, 1e9))) {
    wind_ = wind_mean_;
  }

  void step(RegisterBank& bank, const SimClock& clock, double dt_h) override {
    double h = clock.hour_of_day();
    std::normal_distribution<double> n(0, 1);
    double sq = std::sqrt(std::max(dt_h, 0.0));
    // Deviations that wander and return: theta per hour, sigma per sqrt(hour).
    temp_dev_ += -1.0 * temp_dev_ * dt_h + 0.6 * sq * n(rng_);
    double mean_wind = wind_mean_ * (0.7 + 0.6 * daylight(h));
    wind_ = std::max(0.0, wind_ + 2.0 * (mean_wind - wind_) * dt_h + gust_ * 2 * sq * n(rng_));
    direction_ = std::fmod(direction_ + 25 * sq * n(rng_) + 360, 360);

    double t = day_curve(h, temp_mean_, temp_swing_, 15) + temp_dev_;
    double rh = std::clamp(humidity_ - 3 * (t - temp_mean_) + 2 * n(rng_), 10.0, 100.0);
    if (air_) {
      put_scaled(bank, *air_, Table::input, 1, t, 0.1, true);
      put_scaled(bank, *air_, Table::input, 2, rh, 0.1, false);
    }
    if (wind_speed_) put_scaled(bank, *wind_speed_, Table::holding, 0, wind_, 0.1, false);
    if (wind_dir_) {
      put_scaled(bank, *wind_dir_, Table::holding, 0, std::fmod(std::round(direction_ / 45), 8),
                 1, false);
      put_scaled(bank, *wind_dir_, Table::holding, 1, std::round(direction_), 1, false);
    }
  }

 private:
  std::optional<int> air_, wind_speed_, wind_dir_;
  double temp_mean_, temp_swing_, humidity_, wind_mean_, gust_, direction_;
  double wind_ = 0, temp_dev_ = 0;
  std::mt19937 rng_;
};

}  // namespace

std::unique_ptr<Physics> make_weather(Params& p) { return std::make_unique<Weather>(p); }

}  // namespace farmsim::models
