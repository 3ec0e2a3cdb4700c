// What every XML fuzz target sets up once, as the broker does at start: libxml2 with its
// network and file loader shut, xmlsec when the target reaches signatures, and no error
// printing (the targets read errors from their results, like the broker).
#pragma once

#include "core/dsig/xmlsec.h"
#include "core/xml/xml_init.h"

namespace ozgbus::fuzz {

inline int initXmlForFuzzing(bool with_dsig) {
  xml::initXml();
  if (with_dsig) dsig::initDsig();
  xml::quietXmlErrorsOnThisThread();
  return 0;
}

}  // namespace ozgbus::fuzz
