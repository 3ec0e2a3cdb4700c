<?xml version="1.0" encoding="UTF-8"?>
<!--
  Hamburg adapter: Bewohnerparkausweis OZGBus-Bewohnerparken 1.0 -> 2.0 (message type 0300 -> 0300).

  Input : bwp:bewohnerparken.antrag.0300 in urn:xoev-de:ozgbus:bewohnerparken:1.0
  Output: bwp:bewohnerparken.antrag.0300 in urn:xoev-de:ozgbus:bewohnerparken:2.0 (standard
          OZGBus-Bewohnerparken, version 2.0)

  Header nachrichtenkopf.g2g: copied unchanged; the 2.0 baukasten restricts it as 1.0 does.
  Root attributes: produkt, produkthersteller, produktversion, test copied; standard/version set
  for 2.0; anything else (e.g. xsi:schemaLocation) is dropped. ds:Signature is dropped: the broker
  signs the translated document itself.

  Mapping:
    antragsteller            -> antragstellendePerson (content unchanged)
    fahrzeug/kennzeichen "HH-AB 1234"
                             -> kennzeichen/unterscheidungszeichen "HH" + erkennungsnummer "AB 1234"
                                (split at the hyphen, which the 1.0 pattern guarantees)
    fahrzeug/halterart, code list version 1 -> version 2: H->01, F->02, L->03
                                (04 Langzeitmietfahrzeug is new in 2.0 and never produced here);
                                a name element only when the input had one, version 2 wording.
    fahrzeug/fahrzeuglaenge (new, mandatory; 1.0 does not ask for it): parameter
                                fahrzeuglaenge_platzhalter, see below.
    parkzone                 -> bewohnerparkgebiet
    gemeindeschluessel, gueltigAb, gueltigkeitMonate unchanged.

  Parameters (xsl:param, set in adapter.toml):
    fahrzeuglaenge_platzhalter  length in metres written into the new mandatory fahrzeuglaenge
                                (decimal 1.00-12.00). Default "1.00": the schema minimum, shorter
                                than any car, so the Straßenverkehrsbehörde recognises "not
                                stated" and takes the length from the Zulassungsbescheinigung
                                Teil I (it checks that anyway); a length-based fee can never come
                                out too high because of the placeholder.

  Refuses (xsl:message terminate="yes"): a root other than bewohnerparken.antrag.0300 of 1.0; a
  kennzeichen without hyphen or a halterart code outside version 1 (neither passes the 1.0 schema).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:in="urn:xoev-de:ozgbus:bewohnerparken:1.0"
    xmlns:bwp="urn:xoev-de:ozgbus:bewohnerparken:2.0"
    xmlns:bdt="urn:xoev-de:ozgbus:basisdatentypen:1.0"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
    exclude-result-prefixes="in ds">

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:strip-space elements="*"/>

  <xsl:param name="fahrzeuglaenge_platzhalter" select="'1.00'"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="in:bewohnerparken.antrag.0300">
        <xsl:apply-templates select="in:bewohnerparken.antrag.0300"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:message terminate="yes">bewohnerparken-1.0-to-2.0: root element {<xsl:value-of select="namespace-uri(*)"/>}<xsl:value-of select="local-name(*)"/> is not bewohnerparken.antrag.0300 of urn:xoev-de:ozgbus:bewohnerparken:1.0</xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="in:bewohnerparken.antrag.0300">
    <bwp:bewohnerparken.antrag.0300 version="2.0" standard="OZGBus-Bewohnerparken">
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
      <bwp:antragstellendePerson>
        <xsl:apply-templates select="in:antragsteller/*" mode="kopie"/>
      </bwp:antragstellendePerson>
      <xsl:apply-templates select="in:fahrzeug"/>
      <bwp:gemeindeschluessel><xsl:value-of select="normalize-space(in:gemeindeschluessel)"/></bwp:gemeindeschluessel>
      <bwp:bewohnerparkgebiet><xsl:value-of select="normalize-space(in:parkzone)"/></bwp:bewohnerparkgebiet>
      <bwp:gueltigAb><xsl:value-of select="normalize-space(in:gueltigAb)"/></bwp:gueltigAb>
      <bwp:gueltigkeitMonate><xsl:value-of select="normalize-space(in:gueltigkeitMonate)"/></bwp:gueltigkeitMonate>
    </bwp:antrag>
  </xsl:template>

  <xsl:template match="in:fahrzeug">
    <xsl:variable name="kz" select="normalize-space(in:kennzeichen)"/>
    <xsl:if test="not(contains($kz, '-'))">
      <xsl:message terminate="yes">bewohnerparken-1.0-to-2.0: kennzeichen "<xsl:value-of select="$kz"/>" has no hyphen between unterscheidungszeichen and erkennungsnummer</xsl:message>
    </xsl:if>
    <bwp:fahrzeug>
      <bwp:kennzeichen>
        <bwp:unterscheidungszeichen><xsl:value-of select="substring-before($kz, '-')"/></bwp:unterscheidungszeichen>
        <bwp:erkennungsnummer><xsl:value-of select="substring-after($kz, '-')"/></bwp:erkennungsnummer>
      </bwp:kennzeichen>
      <xsl:apply-templates select="in:halterart"/>
      <bwp:fahrzeuglaenge><xsl:value-of select="$fahrzeuglaenge_platzhalter"/></bwp:fahrzeuglaenge>
    </bwp:fahrzeug>
  </xsl:template>

  <!-- halterart: code list version 1 -> version 2 -->
  <xsl:template match="in:halterart">
    <xsl:variable name="alt" select="normalize-space(code)"/>
    <xsl:variable name="neu">
      <xsl:choose>
        <xsl:when test="$alt = 'H'">01</xsl:when>
        <xsl:when test="$alt = 'F'">02</xsl:when>
        <xsl:when test="$alt = 'L'">03</xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="$neu = ''">
      <xsl:message terminate="yes">bewohnerparken-1.0-to-2.0: halterart code '<xsl:value-of select="$alt"/>' is not in code list halterart version 1</xsl:message>
    </xsl:if>
    <bwp:halterart listURI="urn:xoev-de:ozgbus:codeliste:halterart" listVersionID="2">
      <code><xsl:value-of select="$neu"/></code>
      <xsl:if test="name">
        <name>
          <xsl:choose>
            <xsl:when test="$neu = '01'">Halterin/Halter</xsl:when>
            <xsl:when test="$neu = '02'">Firmenfahrzeug zur privaten Nutzung</xsl:when>
            <xsl:otherwise>Leasingfahrzeug</xsl:otherwise>
          </xsl:choose>
        </name>
      </xsl:if>
    </bwp:halterart>
  </xsl:template>

  <!-- Copy with the 1.0 namespace replaced by 2.0; bdt and unqualified elements keep theirs. -->
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
