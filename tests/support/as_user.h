// Running a piece of a test as an unprivileged account. The tests run as root, which reads
// every file whatever its mode; "a file the service cannot read" needs a process that is
// not root. The function runs in a forked child after setgroups/setgid/setuid to `nobody`
// (65534); what it returns comes back through a pipe. When the test itself is not root, the
// function runs in a child as it is.
#pragma once

#include <functional>
#include <string>

namespace farmgate::test {

inline constexpr unsigned kNobody = 65534;

// What `f` returned in the child; throws std::runtime_error when the child failed.
std::string run_as_nobody(const std::function<std::string()>& f);

}  // namespace farmgate::test
