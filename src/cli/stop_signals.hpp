// SPDX-License-Identifier: MIT
/// SIGINT and SIGTERM for the commands that run a while (listen, send, replay), the one way they
/// are handled: the first asks the run to stop at its next step and print what it did; a second
/// kills at once. Engines only see a stop predicate.
#pragma once

#include <memory>

namespace hooks::cli {

/// Installs the handlers for its lifetime and restores the previous ones after. One at a time.
class StopSignals {
  public:
    StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;
    ~StopSignals();

    /// Whether SIGINT or SIGTERM asked the run to stop. Cheap to poll.
    static bool is_stop_requested();

    /// The signal that asked (SIGINT or SIGTERM), or 0.
    static int signal_number();

  private:
    struct Saved;
    std::unique_ptr<Saved> m_saved;
};

} // namespace hooks::cli
