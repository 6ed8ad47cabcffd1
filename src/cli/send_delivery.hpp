// SPDX-License-Identifier: MIT
/// Connection settings from the --insecure/--cacert flags and the retry schedule, shared by
/// `send` and `replay`; the send engine itself is core/send.
#pragma once

#include "core/send/plan.hpp"

namespace hooks::cli {

using hooks::send::client_options;

} // namespace hooks::cli
