<?xml version="1.0" encoding="UTF-8"?>
<!--
  Schleswig-Holstein adapter: Gewerbeanmeldung OZGBus-Gewerbe 2.0 -> 1.0 (message type 0100 -> 0100).

  Input : gew:gewerbe.anmeldung.0100 in urn:xoev-de:ozgbus:gewerbe:2.0
  Output: gew:gewerbe.anmeldung.0100 in urn:xoev-de:ozgbus:gewerbe:1.0 (standard OZGBus-Gewerbe,
          version 1.0)

  Header nachrichtenkopf.g2g: copied unchanged; the 1.0 baukasten restricts it as 2.0 does.
  Root attributes: produkt, produkthersteller, produktversion, test copied; standard/version set
  for 1.0; anything else (e.g. xsi:schemaLocation) is dropped. ds:Signature is dropped: the broker
  signs the translated document itself.

  Mapping:
    betriebsinhaber               -> gewerbetreibender (content unchanged)
    betrieb/taetigkeit/beschreibung + wirtschaftszweig
                                  -> betrieb/taetigkeit (text): the beschreibung, followed by
                                     " (WZ 2008: 47.64.1, 95.29)" when parameter
                                     wirtschaftszweig_anhaengen is "ja" and the whole still fits
                                     the 255 characters of bdt:TextType
    betrieb/taetigkeitsbeginn     -> betrieb/beginnDerTaetigkeit
    betrieb/beschaeftigte         -> betrieb/anzahlBeschaeftigte = vollzeit + teilzeit
    rechtsform, code list version 2 -> version 1:
      001->EU  002->EK  101->GBR  102->OHG  103->KG  104->KG  201->GMBH  202->UG  203->AG  301->EG
      A name element is written only when the input had one, with the version 1 wording.

  Lost in this down-translation (1.0 has no place for it):
    - wirtschaftszweig as a code: only as text in taetigkeit (see above), and not at all when
      that text would exceed 255 characters or wirtschaftszweig_anhaengen is not "ja";
    - the split of beschaeftigte into vollzeit and teilzeit (only the sum is kept);
    - GmbH & Co. KG (104) vs. KG (103): both become KG; the firm name (betriebsname) still says
      "GmbH & Co. KG", as § 19 Abs. 2 HGB requires.

  Parameters (xsl:param, set in adapter.toml):
    wirtschaftszweig_anhaengen  "ja" (default): append the WZ codes to the taetigkeit text;
                                anything else: drop them.

  Refuses (xsl:message terminate="yes"): a root other than gewerbe.anmeldung.0100 of 2.0; a
  rechtsform code outside code list version 2 (cannot happen after schema validation).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:in="urn:xoev-de:ozgbus:gewerbe:2.0"
    xmlns:gew="urn:xoev-de:ozgbus:gewerbe:1.0"
    xmlns:bdt="urn:xoev-de:ozgbus:basisdatentypen:1.0"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
    exclude-result-prefixes="in ds">

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:strip-space elements="*"/>

  <xsl:param name="wirtschaftszweig_anhaengen" select="'ja'"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="in:gewerbe.anmeldung.0100">
        <xsl:apply-templates select="in:gewerbe.anmeldung.0100"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:message terminate="yes">gewerbe-2.0-to-1.0: root element {<xsl:value-of select="namespace-uri(*)"/>}<xsl:value-of select="local-name(*)"/> is not gewerbe.anmeldung.0100 of urn:xoev-de:ozgbus:gewerbe:2.0</xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="in:gewerbe.anmeldung.0100">
    <gew:gewerbe.anmeldung.0100 version="1.0" standard="OZGBus-Gewerbe">
      <xsl:copy-of select="@produkt | @produkthersteller | @produktversion | @test"/>
      <xsl:apply-templates select="nachrichtenkopf.g2g" mode="kopf"/>
      <xsl:apply-templates select="in:anmeldung"/>
    </gew:gewerbe.anmeldung.0100>
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

  <xsl:template match="in:anmeldung">
    <gew:anmeldung>
      <xsl:apply-templates select="in:anzeigegrund" mode="kopie"/>
      <gew:gewerbetreibender>
        <xsl:apply-templates select="in:betriebsinhaber/*" mode="kopie"/>
      </gew:gewerbetreibender>
      <xsl:apply-templates select="in:betrieb"/>
    </gew:anmeldung>
  </xsl:template>

  <xsl:template match="in:betrieb">
    <xsl:variable name="beschreibung" select="normalize-space(in:taetigkeit/in:beschreibung)"/>
    <xsl:variable name="wz">
      <xsl:for-each select="in:taetigkeit/in:wirtschaftszweig">
        <xsl:if test="position() &gt; 1">, </xsl:if>
        <xsl:value-of select="normalize-space(code)"/>
      </xsl:for-each>
    </xsl:variable>
    <xsl:variable name="mit-wz" select="concat($beschreibung, ' (WZ 2008: ', $wz, ')')"/>
    <gew:betrieb>
      <xsl:apply-templates select="in:betriebsname | in:rechtsform | in:betriebsstaette | in:gemeindeschluessel"
                           mode="kopie"/>
      <gew:taetigkeit>
        <xsl:choose>
          <xsl:when test="$wirtschaftszweig_anhaengen = 'ja' and $wz != '' and string-length($mit-wz) &lt;= 255">
            <xsl:value-of select="$mit-wz"/>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="$beschreibung"/></xsl:otherwise>
        </xsl:choose>
      </gew:taetigkeit>
      <gew:beginnDerTaetigkeit><xsl:value-of select="normalize-space(in:taetigkeitsbeginn)"/></gew:beginnDerTaetigkeit>
      <xsl:if test="in:beschaeftigte">
        <gew:anzahlBeschaeftigte>
          <xsl:value-of select="number(in:beschaeftigte/in:vollzeit) + number(in:beschaeftigte/in:teilzeit)"/>
        </gew:anzahlBeschaeftigte>
      </xsl:if>
    </gew:betrieb>
  </xsl:template>

  <!-- rechtsform: code list version 2 -> version 1 -->
  <xsl:template match="in:rechtsform" mode="kopie">
    <xsl:variable name="alt" select="normalize-space(code)"/>
    <xsl:variable name="neu">
      <xsl:choose>
        <xsl:when test="$alt = '001'">EU</xsl:when>
        <xsl:when test="$alt = '002'">EK</xsl:when>
        <xsl:when test="$alt = '101'">GBR</xsl:when>
        <xsl:when test="$alt = '102'">OHG</xsl:when>
        <xsl:when test="$alt = '103' or $alt = '104'">KG</xsl:when>
        <xsl:when test="$alt = '201'">GMBH</xsl:when>
        <xsl:when test="$alt = '202'">UG</xsl:when>
        <xsl:when test="$alt = '203'">AG</xsl:when>
        <xsl:when test="$alt = '301'">EG</xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="$neu = ''">
      <xsl:message terminate="yes">gewerbe-2.0-to-1.0: rechtsform code '<xsl:value-of select="$alt"/>' is not in code list rechtsform version 2</xsl:message>
    </xsl:if>
    <gew:rechtsform listURI="urn:xoev-de:ozgbus:codeliste:rechtsform" listVersionID="1">
      <code><xsl:value-of select="$neu"/></code>
      <xsl:if test="name">
        <name>
          <xsl:choose>
            <xsl:when test="$neu = 'EU'">Einzelunternehmen</xsl:when>
            <xsl:when test="$neu = 'EK'">eingetragene Kauffrau/eingetragener Kaufmann</xsl:when>
            <xsl:when test="$neu = 'GBR'">GbR</xsl:when>
            <xsl:when test="$neu = 'OHG'">OHG</xsl:when>
            <xsl:when test="$neu = 'KG'">KG</xsl:when>
            <xsl:when test="$neu = 'GMBH'">GmbH</xsl:when>
            <xsl:when test="$neu = 'UG'">UG (haftungsbeschränkt)</xsl:when>
            <xsl:when test="$neu = 'AG'">AG</xsl:when>
            <xsl:when test="$neu = 'EG'">eingetragene Genossenschaft</xsl:when>
          </xsl:choose>
        </name>
      </xsl:if>
    </gew:rechtsform>
  </xsl:template>

  <!-- Copy with the 2.0 namespace replaced by 1.0; bdt and unqualified elements keep theirs. -->
  <xsl:template match="in:*" mode="kopie">
    <xsl:element name="gew:{local-name()}">
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
