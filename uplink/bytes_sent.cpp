#include "uplink/bytes_sent.h"

#include <ctime>

namespace farmgate::uplink {

std::int64_t local_day(std::int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm local{};
  localtime_r(&t, &local);
  // A day number from the local date itself, so DST changes cannot shift it.
  return static_cast<std::int64_t>(local.tm_year) * 400 + local.tm_yday;
}

void BytesSent::add(std::uint64_t bytes, std::int64_t now_ms) {
  const std::int64_t day = local_day(now_ms);
  if (day != day_) {
    day_ = day;
    today_ = 0;
  }
  today_ += bytes;
  total_ += bytes;
}

std::uint64_t BytesSent::today(std::int64_t now_ms) const {
  return local_day(now_ms) == day_ ? today_ : 0;
}

}  // namespace farmgate::uplink
