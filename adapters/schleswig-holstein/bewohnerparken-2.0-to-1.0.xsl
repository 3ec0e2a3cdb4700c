<?xml version="1.0" encoding="UTF-8"?>
<!--
  Schleswig-Holstein adapter: Bewohnerparkausweis OZGBus-Bewohnerparken 2.0 -> 1.0
  (message type 0300 -> 0300).

  Input : bwp:bewohnerparken.antrag.0300 in urn:xoev-de:ozgbus:bewohnerparken:2.0
  Output: bwp:bewohnerparken.antrag.0300 in urn:xoev-de:ozgbus:bewohnerparken:1.0 (standard
          OZGBus-Bewohnerparken, version 1.0)

  Header nachrichtenkopf.g2g: copied unchanged; the 1.0 baukasten restricts it as 2.0 does.
  Root attributes: produkt, produkthersteller, produktversion, test copied; standard/version set
  for 1.0; anything else (e.g. xsi:schemaLocation) is dropped. ds:Signature is dropped: the broker
  signs the translated document itself.

  Mapping:
    antragstellendePerson    -> antragsteller (content unchanged)
    fahrzeug/kennzeichen/unterscheidungszeichen "KI" + erkennungsnummer "LH 2209E"
                             -> fahrzeug/kennzeichen "KI-LH 2209E"
    fahrzeug/halterart, code list version 2 -> version 1: 01->H, 02->F, 03->L
                                a name element only when the input had one, version 1 wording.
    bewohnerparkgebiet       -> parkzone
    gemeindeschluessel, gueltigAb, gueltigkeitMonate unchanged.

  Lost in this down-translation (1.0 has no place for it):
    - fahrzeug/fahrzeuglaenge: the Straßenverkehrsbehörde takes it from the Zulassungsbescheinigung
      if its fee depends on it.

  Refuses (xsl:message terminate="yes"):
    - halterart 04 (Langzeitmietfahrzeug): code list version 1 knows only Halter, Firmenfahrzeug
      and Leasing; none of them is true for a long-term rental car, and the kind of use decides
      whether a permit may be issued, so the adapter must not pick one. The portal gets
      ADAPTER_FAILED with this text; the applicant has to apply at the authority directly.
    - a root other than bewohnerparken.antrag.0300 of 2.0; any other unknown halterart code.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:in="urn:xoev-de:ozgbus:bewohnerparken:2.0"
    xmlns:bwp="urn:xoev-de:ozgbus:bewohnerparken:1.0"
    xmlns:bdt="urn:xoev-de:ozgbus:basisdatentypen:1.0"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
    exclude-result-prefixes="in ds">

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:strip-space elements="*"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="in:bewohnerparken.antrag.0300">
        <xsl:apply-templates select="in:bewohnerparken.antrag.0300"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:message terminate="yes">bewohnerparken-2.0-to-1.0: root element {<xsl:value-of select="namespace-uri(*)"/>}<xsl:value-of select="local-name(*)"/> is not bewohnerparken.antrag.0300 of urn:xoev-de:ozgbus:bewohnerparken:2.0</xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="in:bewohnerparken.antrag.0300">
    <bwp:bewohnerparken.antrag.0300 version="1.0" standard="OZGBus-Bewohnerparken">
      <xsl:copy-of select="@produkt | @produkthersteller | @produktversion | @test"/>
      <xsl:apply-templates select="nachrichtenkopf.g2g" mode="kopf"/>
      <xsl:apply-templates select="in:antrag"/>
    </bwp:bewohnerparken.antrag.0300>
  </xsl:template>

  <!-- Header: unqualified elements, copied one by one: libxslt's xsl:copy brings only an
       element's own namespace declarations along (copy-of would bring every one in scope, the
       input's prefix too), and costs far less than xsl:element with a computed name. -->
  <xsl:template match="*" mode="kopf">
    <xsl:copy>
      <xsl:copy-of select="@*"/>
      <xsl:apply-templates mode="kopf"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="in:antrag">
    <bwp:antrag>
      <bwp:antragsteller>
        <xsl:apply-templates select="in:antragstellendePerson/*" mode="kopie"/>
      </bwp:antragsteller>
      <xsl:apply-templates select="in:fahrzeug"/>
      <bwp:gemeindeschluessel><xsl:value-of select="normalize-space(in:gemeindeschluessel)"/></bwp:gemeindeschluessel>
      <bwp:parkzone><xsl:value-of select="normalize-space(in:bewohnerparkgebiet)"/></bwp:parkzone>
      <bwp:gueltigAb><xsl:value-of select="normalize-space(in:gueltigAb)"/></bwp:gueltigAb>
      <bwp:gueltigkeitMonate><xsl:value-of select="normalize-space(in:gueltigkeitMonate)"/></bwp:gueltigkeitMonate>
    </bwp:antrag>
  </xsl:template>

  <xsl:template match="in:fahrzeug">
    <bwp:fahrzeug>
      <bwp:kennzeichen>
        <xsl:value-of select="concat(normalize-space(in:kennzeichen/in:unterscheidungszeichen), '-',
                                     normalize-space(in:kennzeichen/in:erkennungsnummer))"/>
      </bwp:kennzeichen>
      <xsl:apply-templates select="in:halterart"/>
    </bwp:fahrzeug>
  </xsl:template>

  <!-- halterart: code list version 2 -> version 1 -->
  <xsl:template match="in:halterart">
    <xsl:variable name="alt" select="normalize-space(code)"/>
    <xsl:variable name="neu">
      <xsl:choose>
        <xsl:when test="$alt = '01'">H</xsl:when>
        <xsl:when test="$alt = '02'">F</xsl:when>
        <xsl:when test="$alt = '03'">L</xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="$alt = '04'">
      <xsl:message terminate="yes">bewohnerparken-2.0-to-1.0: halterart 04 (Langzeitmietfahrzeug) has no equivalent in code list halterart version 1 (H Halter, F Firmenfahrzeug, L Leasing) used by the receiving authority; the application cannot be forwarded in OZGBus-Bewohnerparken 1.0</xsl:message>
    </xsl:if>
    <xsl:if test="$neu = ''">
      <xsl:message terminate="yes">bewohnerparken-2.0-to-1.0: halterart code '<xsl:value-of select="$alt"/>' is not in code list halterart version 2</xsl:message>
    </xsl:if>
    <bwp:halterart listURI="urn:xoev-de:ozgbus:codeliste:halterart" listVersionID="1">
      <code><xsl:value-of select="$neu"/></code>
      <xsl:if test="name">
        <name>
          <xsl:choose>
            <xsl:when test="$neu = 'H'">Halterin/Halter</xsl:when>
            <xsl:when test="$neu = 'F'">Firmenfahrzeug zur privaten Nutzung</xsl:when>
            <xsl:otherwise>Leasingfahrzeug</xsl:otherwise>
          </xsl:choose>
        </name>
      </xsl:if>
    </bwp:halterart>
  </xsl:template>

  <!-- Copy with the 2.0 namespace replaced by 1.0; bdt and unqualified elements keep theirs. -->
  <xsl:template match="in:*" mode="kopie">
    <xsl:element name="bwp:{local-name()}">
      <xsl:copy-of select="@*"/>
      <xsl:apply-templates mode="kopie"/>
    </xsl:element>
  </xsl:template>
  <xsl:template match="bdt:*" mode="kopie">
    <xsl:copy>
      <xsl:copy-of select="@*"/>
      <xsl:apply-templates mode="kopie"/>
    </xsl:copy>
  </xsl:template>
  <!-- Unqualified elements are copied, foreign ones are not: tested here rather than with a
       predicate in a match pattern, which libxslt evaluates for every element of the mode. -->
  <xsl:template match="*" mode="kopie" priority="-1">
    <xsl:if test="namespace-uri() = ''">
      <xsl:copy>
        <xsl:copy-of select="@*"/>
        <xsl:apply-templates mode="kopie"/>
      </xsl:copy>
    </xsl:if>
  </xsl:template>

  <!-- Never copied: signatures, comments, processing instructions. -->
  <xsl:template match="ds:Signature" mode="kopie"/>
  <xsl:template match="comment() | processing-instruction()" mode="kopf"/>
  <xsl:template match="comment() | processing-instruction()" mode="kopie"/>
</xsl:stylesheet>
