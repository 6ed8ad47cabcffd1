// SPDX-License-Identifier: MIT
/// SIGINT and SIGTERM for the commands that run a while (send, replay): the first asks the run
/// to stop at its next step and print what it did; a second kills at once.
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

  private:
    struct Saved;
    std::unique_ptr<Saved> m_saved;
};

} // namespace hooks::cli
