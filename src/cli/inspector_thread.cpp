// SPDX-License-Identifier: MIT
#include "cli/inspector_thread.hpp"

#include "cli/version.hpp"

namespace hooks::cli {

Result<std::unique_ptr<InspectorThread>> InspectorThread::start(inspect::InspectorConfig config,
                                                                inspect::Store& store,
                                                                const InspectorFlags& flags) {
    config.version = k_version;
    config.token = inspect::make_token();
    config.assets_dir = flags.assets_dir;
    auto inspector = std::make_unique<inspect::Inspector>(std::move(config), store);
    if (auto bound = inspector->bind("127.0.0.1", flags.port); !bound) {
        return tl::unexpected(bound.error());
    }
    return std::unique_ptr<InspectorThread>(new InspectorThread(std::move(inspector)));
}

InspectorThread::InspectorThread(std::unique_ptr<inspect::Inspector> inspector)
    : m_inspector(std::move(inspector)) {
    m_thread = std::thread([this] { m_inspector->run(); });
}

InspectorThread::~InspectorThread() {
    m_inspector->stop();
    m_thread.join();
}

} // namespace hooks::cli
