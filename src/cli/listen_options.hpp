// SPDX-License-Identifier: MIT
/// `hooks listen`'s flags, and the listen engine's configuration made from them.
#pragma once

#include "cli/common_options.hpp"
#include "cli/context.hpp"
#include "cli/inspector_thread.hpp"
#include "core/listen/receiver.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hooks::cli {

struct ListenOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    ProviderOptions provider;
    SecretOptions secrets;
    std::optional<long long> tolerance_seconds;
    std::string log_path;
    std::string forward_to;
    std::string public_url;
    std::vector<std::string> routes;
    std::vector<std::string> responds; ///< --respond [GLOB=]STATUS|@FILE, in order
    std::string delay = "0";
    unsigned fail_first = 0;
    double fail_rate = 0;
    int fail_status = 500;
    /// --reject-invalid [STATUS]: empty when not given; "" as given without a status.
    std::optional<std::string> reject_invalid;
    std::uint64_t max_body = 16ULL * 1024 * 1024;
    std::size_t max_connections = 1024;
    unsigned threads = 0;
    std::optional<std::uint64_t> count;
    std::string timeout;
    bool requires_valid = false;
    bool is_quiet = false;
    bool shows_headers = false;
    OutputOptions output;
    bool has_ui = false; ///< --ui: serve the browser inspector too
    InspectorFlags ui;
};

/// Reads the flags into the engine's configuration (without its log): provider and secrets,
/// --respond rules, simulated failures, --reject-invalid, --public-url, forwarding. Fails
/// (usage error, one line) on a flag it cannot use. `registry` and `context` must outlive the
/// configuration.
/// The inspector's configuration for `listen --ui`, from the receiver's: the same provider,
/// secrets and tolerance; replays go where forwarding goes.
inspect::InspectorConfig inspector_config(const ListenOptions& options,
                                          const listen::ReceiverConfig& receiver);

Result<listen::ReceiverConfig> configure(const ListenOptions& options,
                                         const providers::Registry& registry, Context& context);

} // namespace hooks::cli
