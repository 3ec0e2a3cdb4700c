// The Quittung (OZGBus-Quittung 1.0) that travels with a RECEIPT: quittung.annahme.0900 when
// the back-end accepted the message, quittung.ablehnung.0910 when it refused it, signed by the
// broker so a portal can prove the outcome. Built only from the receipt record, so the same
// receipt always gives the same document (same nachrichtenUUID) when it is sent again.
#pragma once

#include <string>

#include "broker/store/records.h"
#include "core/dsig/signer.h"
#include "core/result.h"

namespace ozgbus::broker {

// recipient: the portal (leser); the autor is the receiving back-end.
std::string receiptDocument(const ReceiptRecord& receipt);

// The same, with the broker's enveloped signature.
Result<std::string> signedReceiptDocument(const ReceiptRecord& receipt, const dsig::Signer& signer);

// The Quittung's ablehnungsgrund code for a refusal reason.
const char* ablehnungsgrund(ReasonCode reason);

}  // namespace ozgbus::broker
