// Signing a document as a participant: parse it as the broker would (hardened), sign it with
// the participant's key, return the bytes to submit.
#pragma once

#include <string>
#include <string_view>

#include "core/dsig/signer.h"
#include "core/result.h"

namespace ozgbus::client {

Result<std::string> signDocument(std::string_view xml, const dsig::Signer& signer);

}  // namespace ozgbus::client
