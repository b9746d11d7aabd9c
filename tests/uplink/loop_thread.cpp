#include "tests/uplink/loop_thread.h"

namespace farmgate::test {

LoopThread::LoopThread() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}

LoopThread::~LoopThread() {
  work_.reset();
  io_.stop();
  thread_.join();
}

}  // namespace farmgate::test
