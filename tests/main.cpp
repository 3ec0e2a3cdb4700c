#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "core/dsig/xmlsec.h"
#include "core/xml/xml_init.h"

int main(int argc, char** argv) {
  ozgbus::xml::initXml();
  ozgbus::dsig::initDsig();
  doctest::Context context(argc, argv);
  return context.run();
}
