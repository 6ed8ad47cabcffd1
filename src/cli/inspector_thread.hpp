// SPDX-License-Identifier: MIT
/// The browser inspector serving on a thread of its own, for `listen --ui` and `inspect`.
#pragma once

#include "core/inspect/inspector.hpp"

#include <memory>
#include <string>
#include <thread>

namespace hooks::cli {

/// The flags both `listen --ui` and `inspect` take for the inspector.
struct InspectorFlags {
    std::uint16_t port = 0;
    std::string assets_dir; ///< --ui-assets DIR (development)
};

/// Serves from start() until destroyed, which stops it and waits for its thread.
class InspectorThread {
  public:
    /// Binds 127.0.0.1:`flags.port` (0: a free port) and starts serving. `store` must outlive
    /// the thread. Fails as Inspector::bind does.
    static Result<std::unique_ptr<InspectorThread>>
    start(inspect::InspectorConfig config, inspect::Store& store, const InspectorFlags& flags);

    InspectorThread(const InspectorThread&) = delete;
    InspectorThread& operator=(const InspectorThread&) = delete;
    ~InspectorThread();

    /// What to open: http://127.0.0.1:PORT/#token=TOKEN.
    std::string url() const { return m_inspector->url(); }

  private:
    explicit InspectorThread(std::unique_ptr<inspect::Inspector> inspector);
    std::unique_ptr<inspect::Inspector> m_inspector;
    std::thread m_thread;
};

} // namespace hooks::cli
