// How many commands the gateway takes: a token bucket of `per_second` tokens, refilled at
// `per_second` a second. A platform sending steadily below the rate is never refused, however
// the 4G link bunches its messages (a fixed one-second window refused the tenth of nine a
// second whenever two seconds' worth arrived in one); a burst gets `per_second` through at
// once, and the rest is refused until the bucket refills.
#pragma once

#include <chrono>

namespace farmgate::uplink {

class CommandRate {
 public:
  using Clock = std::chrono::steady_clock;
  explicit CommandRate(int per_second);

  // Takes one command at `now` if a token is left.
  bool take(Clock::time_point now);
  // True when the last refusal was the first after a command was taken: a flood is logged
  // and recorded once, not once per refused command.
  bool first_refusal() const { return refused_in_a_row_ == 1; }

 private:
  double per_second_;
  double tokens_;
  Clock::time_point last_{};
  bool started_ = false;
  long refused_in_a_row_ = 0;
};

}  // namespace farmgate::uplink
