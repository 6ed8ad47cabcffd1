// SPDX-License-Identifier: MIT
#include "core/send/plan.hpp"

#include <algorithm>

namespace hooks::send {

http::ClientOptions client_options(bool is_insecure, const std::string& ca_file,
                                   const retry::Schedule& schedule) {
    http::ClientOptions options;
    options.timeout = schedule.timeout;
    options.connect_timeout = std::min(schedule.timeout, std::chrono::milliseconds(5000));
    options.insecure = is_insecure;
    options.ca_file = ca_file;
    return options;
}

} // namespace hooks::send
