// SPDX-License-Identifier: MIT
#include "cli/stop_signals.hpp"

#include <atomic>
#include <csignal>

namespace hooks::cli {
namespace {

std::atomic<int> g_signal = 0;

extern "C" void on_stop_signal(int number) {
    g_signal = number;
}

} // namespace

struct StopSignals::Saved {
    struct sigaction interrupt {};
    struct sigaction terminate {};
};

StopSignals::StopSignals() : m_saved(std::make_unique<Saved>()) {
    g_signal = 0;
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    // A second signal kills at once: a run that does not stop soon enough can still be ended.
    action.sa_flags = static_cast<int>(SA_RESETHAND);
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &m_saved->interrupt);
    sigaction(SIGTERM, &action, &m_saved->terminate);
}

StopSignals::~StopSignals() {
    sigaction(SIGINT, &m_saved->interrupt, nullptr);
    sigaction(SIGTERM, &m_saved->terminate, nullptr);
}

bool StopSignals::is_stop_requested() {
    return g_signal.load(std::memory_order_relaxed) != 0;
}

int StopSignals::signal_number() {
    return g_signal.load(std::memory_order_relaxed);
}

} // namespace hooks::cli
