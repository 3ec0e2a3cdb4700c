<?xml version="1.0" encoding="UTF-8"?>
<!--
  Hamburg adapter: Gewerbeanmeldung OZGBus-Gewerbe 1.0 -> 2.0 (message type 0100 -> 0100).

  Input : gew:gewerbe.anmeldung.0100 in urn:xoev-de:ozgbus:gewerbe:1.0
  Output: gew:gewerbe.anmeldung.0100 in urn:xoev-de:ozgbus:gewerbe:2.0 (standard OZGBus-Gewerbe, version 2.0)

  Header nachrichtenkopf.g2g: copied unchanged (UUID, nachrichtentyp, erstellungszeitpunkt,
  leser, autor, dvdvDienstkennung); the 2.0 baukasten places the same restrictions on it as 1.0.
  Root attributes: produkt, produkthersteller, produktversion, test copied; standard/version set
  for 2.0; anything else (e.g. an xsi:schemaLocation naming the 1.0 namespace) is dropped.
  ds:Signature (XML-DSig) is dropped: the broker signs the translated document itself.

  Mapping:
    gewerbetreibender            -> betriebsinhaber (content unchanged)
    betrieb/taetigkeit (text)    -> betrieb/taetigkeit/beschreibung
                                    + taetigkeit/wirtschaftszweig (new, mandatory): see below
    betrieb/beginnDerTaetigkeit  -> betrieb/taetigkeitsbeginn
    betrieb/anzahlBeschaeftigte  -> betrieb/beschaeftigte/vollzeit = the total, teilzeit = 0
                                    (1.0 knows only the total; the 2.0 sum stays right)
    rechtsform, code list version 1 -> version 2:
      EU->001  EK->002  GBR->101  OHG->102  GMBH->201  UG->202  AG->203  EG->301
      KG->104 (GmbH & Co. KG) when the betriebsname carries "GmbH & Co." (also "GmbH und Co.",
              "GmbH u. Co.", "GmbH + Co."; case, blanks and dots ignored): § 19 Abs. 2 HGB
              makes a KG without a natural person as full partner say so in its firm name;
      KG->103 otherwise.
      A name element is written only when the input had one, with the version 2 wording.

  Parameters (xsl:param, set in adapter.toml):
    wirtschaftszweig_platzhalter       WZ 2008 code written into the new mandatory
                                       wirtschaftszweig. Default "00": matches the code pattern
                                       but is no WZ 2008 division (they run 01-99), so the
                                       Gewerbeamt recognises "not classified" and classifies
                                       from the beschreibung, as it does for paper forms.
    wirtschaftszweig_platzhalter_name  its name element (empty: no name element).

  Refuses (xsl:message terminate="yes"): a root other than gewerbe.anmeldung.0100 of 1.0; a
  rechtsform code outside code list version 1 (cannot happen after schema validation).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:in="urn:xoev-de:ozgbus:gewerbe:1.0"
    xmlns:gew="urn:xoev-de:ozgbus:gewerbe:2.0"
    xmlns:bdt="urn:xoev-de:ozgbus:basisdatentypen:1.0"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
    exclude-result-prefixes="in ds">

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:strip-space elements="*"/>

  <xsl:param name="wirtschaftszweig_platzhalter" select="'00'"/>
  <xsl:param name="wirtschaftszweig_platzhalter_name"
             select="'nicht zugeordnet (Anmeldung nach OZGBus-Gewerbe 1.0)'"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="in:gewerbe.anmeldung.0100">
        <xsl:apply-templates select="in:gewerbe.anmeldung.0100"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:message terminate="yes">gewerbe-1.0-to-2.0: root element {<xsl:value-of select="namespace-uri(*)"/>}<xsl:value-of select="local-name(*)"/> is not gewerbe.anmeldung.0100 of urn:xoev-de:ozgbus:gewerbe:1.0</xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="in:gewerbe.anmeldung.0100">
    <gew:gewerbe.anmeldung.0100 version="2.0" standard="OZGBus-Gewerbe">
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
      <gew:betriebsinhaber>
        <xsl:apply-templates select="in:gewerbetreibender/*" mode="kopie"/>
      </gew:betriebsinhaber>
      <xsl:apply-templates select="in:betrieb"/>
    </gew:anmeldung>
  </xsl:template>

  <xsl:template match="in:betrieb">
    <gew:betrieb>
      <xsl:apply-templates select="in:betriebsname | in:rechtsform | in:betriebsstaette | in:gemeindeschluessel"
                           mode="kopie"/>
      <gew:taetigkeit>
        <gew:beschreibung><xsl:value-of select="normalize-space(in:taetigkeit)"/></gew:beschreibung>
        <gew:wirtschaftszweig listURI="urn:xoev-de:ozgbus:codeliste:wz" listVersionID="2008">
          <code><xsl:value-of select="$wirtschaftszweig_platzhalter"/></code>
          <xsl:if test="string($wirtschaftszweig_platzhalter_name) != ''">
            <name><xsl:value-of select="$wirtschaftszweig_platzhalter_name"/></name>
          </xsl:if>
        </gew:wirtschaftszweig>
      </gew:taetigkeit>
      <gew:taetigkeitsbeginn><xsl:value-of select="normalize-space(in:beginnDerTaetigkeit)"/></gew:taetigkeitsbeginn>
      <xsl:if test="in:anzahlBeschaeftigte">
        <gew:beschaeftigte>
          <gew:vollzeit><xsl:value-of select="normalize-space(in:anzahlBeschaeftigte)"/></gew:vollzeit>
          <gew:teilzeit>0</gew:teilzeit>
        </gew:beschaeftigte>
      </xsl:if>
    </gew:betrieb>
  </xsl:template>

  <!-- rechtsform: code list version 1 -> version 2 -->
  <xsl:template match="in:rechtsform" mode="kopie">
    <xsl:variable name="alt" select="normalize-space(code)"/>
    <xsl:variable name="firma"
        select="translate(../in:betriebsname, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ .', 'abcdefghijklmnopqrstuvwxyz')"/>
    <xsl:variable name="neu">
      <xsl:choose>
        <xsl:when test="$alt = 'EU'">001</xsl:when>
        <xsl:when test="$alt = 'EK'">002</xsl:when>
        <xsl:when test="$alt = 'GBR'">101</xsl:when>
        <xsl:when test="$alt = 'OHG'">102</xsl:when>
        <xsl:when test="$alt = 'KG' and (contains($firma, 'gmbh&amp;co') or contains($firma, 'gmbhundco')
                        or contains($firma, 'gmbhuco') or contains($firma, 'gmbh+co'))">104</xsl:when>
        <xsl:when test="$alt = 'KG'">103</xsl:when>
        <xsl:when test="$alt = 'GMBH'">201</xsl:when>
        <xsl:when test="$alt = 'UG'">202</xsl:when>
        <xsl:when test="$alt = 'AG'">203</xsl:when>
        <xsl:when test="$alt = 'EG'">301</xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="$neu = ''">
      <xsl:message terminate="yes">gewerbe-1.0-to-2.0: rechtsform code '<xsl:value-of select="$alt"/>' is not in code list rechtsform version 1</xsl:message>
    </xsl:if>
    <gew:rechtsform listURI="urn:xoev-de:ozgbus:codeliste:rechtsform" listVersionID="2">
      <code><xsl:value-of select="$neu"/></code>
      <xsl:if test="name">
        <name>
          <xsl:choose>
            <xsl:when test="$neu = '001'">Einzelunternehmen</xsl:when>
            <xsl:when test="$neu = '002'">eingetragene Kauffrau/eingetragener Kaufmann</xsl:when>
            <xsl:when test="$neu = '101'">GbR</xsl:when>
            <xsl:when test="$neu = '102'">OHG</xsl:when>
            <xsl:when test="$neu = '103'">KG</xsl:when>
            <xsl:when test="$neu = '104'">GmbH &amp; Co. KG</xsl:when>
            <xsl:when test="$neu = '201'">GmbH</xsl:when>
            <xsl:when test="$neu = '202'">UG (haftungsbeschränkt)</xsl:when>
            <xsl:when test="$neu = '203'">AG</xsl:when>
            <xsl:when test="$neu = '301'">eingetragene Genossenschaft</xsl:when>
          </xsl:choose>
        </name>
      </xsl:if>
    </gew:rechtsform>
  </xsl:template>

  <!-- Copy with the 1.0 namespace replaced by 2.0; bdt and unqualified elements keep theirs. -->
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
