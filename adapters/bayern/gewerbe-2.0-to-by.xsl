<?xml version="1.0" encoding="UTF-8"?>
<!--
  Bayern adapter: Gewerbeanmeldung OZGBus-Gewerbe 2.0 -> Gewerbeanzeige im bayerischen Format
  OZGBus-BY-Gewerbe 1.0 (message type 0100 -> 0100).

  Input : gew:gewerbe.anmeldung.0100 in urn:xoev-de:ozgbus:gewerbe:2.0
  Output: bygew:gewerbeanzeige.anmeldung.0100 in urn:xoev-de:ozgbus:by:gewerbe:1.0 (standard
          OZGBus-BY-Gewerbe, version 1.0; schema xsd/bayern/gewerbe/1.0/gewerbe.xsd)

  Header nachrichtenkopf.g2g: copied unchanged except nachrichtentyp/name, which (when present)
  names the Bayern root, gewerbeanzeige.anmeldung.0100; the Bayern baukasten keeps code 0100 and
  the LeiKa key. Root attributes: produkt, produkthersteller, produktversion, test copied;
  standard/version set for OZGBus-BY-Gewerbe 1.0; anything else (e.g. xsi:schemaLocation) is
  dropped. ds:Signature is dropped: the broker signs the translated document itself.

  Mapping (anmeldung -> anzeige):
    anzeigegrund 01..05            -> anzeigeanlass HN, ZN, UZ, UE, ZZ (Bayern list)
    betriebsinhaber/person/bdt:name/familienname, geburtsname, vorname, doktorgrad
                                   -> inhaber/nachname, geburtsname, vornamen, akademischerGrad
    person/geburtsdatum, geburtsort, geschlecht, staatsangehoerigkeit -> inhaber/... (same name)
    betriebsinhaber/wohnanschrift  -> inhaber/wohnsitz
    betriebsinhaber/kommunikation  -> inhaber/erreichbarkeit (content unchanged)
    betrieb/betriebsname           -> betrieb/firma
    betrieb/rechtsform (version 2) -> betrieb/rechtsform, Rechtsformschlüssel Bayern:
      001->10  002->11  101->20  102->21  103->22  104->23  201->30  202->31  203->32  301->40
    betrieb/betriebsstaette        -> betrieb/betriebsstaette
    betrieb/gemeindeschluessel (ARS, 12 digits) -> betrieb/ags (AGS, 8 digits): ARS positions
                                      1-5 and 10-12 (the Gemeindeverband, 6-9, is implied)
    betrieb/taetigkeit/beschreibung -> betrieb/taetigkeit
    betrieb/taetigkeit/wirtschaftszweig (1..n) -> betrieb/wzVorschlag (same code list, unchanged)
    betrieb/taetigkeitsbeginn      -> betrieb/beginn
    betrieb/beschaeftigte/vollzeit + teilzeit -> betrieb/beschaeftigte/gesamt (the sum) and
                                      davonTeilzeit (= teilzeit)
    Addresses: bdt:strasse, bdt:plz, bdt:ort, bdt:ortsteil -> strasse, plz, ort, ortsteil;
      bdt:hausnummer + bdt:hausnummerZusatz -> hausnummer in one field: the zusatz follows the
      number directly when it is one letter or starts with "-" or "/" ("10a", "3-5"), else after
      a blank ("7 Hinterhaus").
    Code names: a name element is written only when the input had one, in the Bayern wording.

  Lost: nothing the Bayern format can hold is dropped; the boundary between hausnummer and zusatz
  and the Gemeindeverband digits of the ARS are implied rather than explicit.

  Refuses (xsl:message terminate="yes"): a root other than gewerbe.anmeldung.0100 of 2.0; a code
  outside the input's code lists (cannot happen after schema validation).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:in="urn:xoev-de:ozgbus:gewerbe:2.0"
    xmlns:bygew="urn:xoev-de:ozgbus:by:gewerbe:1.0"
    xmlns:bdt="urn:xoev-de:ozgbus:basisdatentypen:1.0"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
    exclude-result-prefixes="in ds">

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:strip-space elements="*"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="in:gewerbe.anmeldung.0100">
        <xsl:apply-templates select="in:gewerbe.anmeldung.0100"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:message terminate="yes">gewerbe-2.0-to-by: root element {<xsl:value-of select="namespace-uri(*)"/>}<xsl:value-of select="local-name(*)"/> is not gewerbe.anmeldung.0100 of urn:xoev-de:ozgbus:gewerbe:2.0</xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="in:gewerbe.anmeldung.0100">
    <bygew:gewerbeanzeige.anmeldung.0100 version="1.0" standard="OZGBus-BY-Gewerbe">
      <xsl:copy-of select="@produkt | @produkthersteller | @produktversion | @test"/>
      <xsl:apply-templates select="nachrichtenkopf.g2g" mode="kopf"/>
      <xsl:apply-templates select="in:anmeldung"/>
    </bygew:gewerbeanzeige.anmeldung.0100>
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
  <xsl:template match="identifikation.nachricht/nachrichtentyp/name" mode="kopf">
    <name>gewerbeanzeige.anmeldung.0100</name>
  </xsl:template>

  <xsl:template match="in:anmeldung">
    <bygew:anzeige>
      <xsl:apply-templates select="in:anzeigegrund"/>
      <xsl:apply-templates select="in:betriebsinhaber"/>
      <xsl:apply-templates select="in:betrieb"/>
    </bygew:anzeige>
  </xsl:template>

  <xsl:template match="in:anzeigegrund">
    <xsl:variable name="alt" select="normalize-space(code)"/>
    <xsl:variable name="neu">
      <xsl:choose>
        <xsl:when test="$alt = '01'">HN</xsl:when>
        <xsl:when test="$alt = '02'">ZN</xsl:when>
        <xsl:when test="$alt = '03'">UZ</xsl:when>
        <xsl:when test="$alt = '04'">UE</xsl:when>
        <xsl:when test="$alt = '05'">ZZ</xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="$neu = ''">
      <xsl:message terminate="yes">gewerbe-2.0-to-by: anzeigegrund code '<xsl:value-of select="$alt"/>' is not in code list gewerbe-anzeigegrund version 1</xsl:message>
    </xsl:if>
    <bygew:anzeigeanlass listURI="urn:xoev-de:ozgbus:by:codeliste:gewerbe-anzeigeanlass" listVersionID="1">
      <code><xsl:value-of select="$neu"/></code>
      <xsl:if test="name">
        <name>
          <xsl:choose>
            <xsl:when test="$neu = 'HN'">Neuerrichtung Hauptniederlassung</xsl:when>
            <xsl:when test="$neu = 'ZN'">Neuerrichtung Zweigniederlassung</xsl:when>
            <xsl:when test="$neu = 'UZ'">Neuerrichtung unselbstständige Zweigstelle</xsl:when>
            <xsl:when test="$neu = 'UE'">Übernahme</xsl:when>
            <xsl:otherwise>Zuzug aus anderem Meldebezirk</xsl:otherwise>
          </xsl:choose>
        </name>
      </xsl:if>
    </bygew:anzeigeanlass>
  </xsl:template>

  <xsl:template match="in:betriebsinhaber">
    <xsl:variable name="p" select="in:person"/>
    <bygew:inhaber>
      <bygew:nachname><xsl:value-of select="normalize-space($p/bdt:name/bdt:familienname)"/></bygew:nachname>
      <xsl:if test="$p/bdt:name/bdt:geburtsname">
        <bygew:geburtsname><xsl:value-of select="normalize-space($p/bdt:name/bdt:geburtsname)"/></bygew:geburtsname>
      </xsl:if>
      <bygew:vornamen><xsl:value-of select="normalize-space($p/bdt:name/bdt:vorname)"/></bygew:vornamen>
      <xsl:if test="$p/bdt:name/bdt:doktorgrad">
        <bygew:akademischerGrad><xsl:value-of select="normalize-space($p/bdt:name/bdt:doktorgrad)"/></bygew:akademischerGrad>
      </xsl:if>
      <bygew:geburtsdatum><xsl:value-of select="normalize-space($p/bdt:geburtsdatum)"/></bygew:geburtsdatum>
      <xsl:if test="$p/bdt:geburtsort">
        <bygew:geburtsort><xsl:value-of select="normalize-space($p/bdt:geburtsort)"/></bygew:geburtsort>
      </xsl:if>
      <xsl:apply-templates select="$p/bdt:geschlecht | $p/bdt:staatsangehoerigkeit" mode="umbenennen"/>
      <xsl:apply-templates select="in:wohnanschrift">
        <xsl:with-param name="als" select="'wohnsitz'"/>
      </xsl:apply-templates>
      <xsl:for-each select="in:kommunikation">
        <bygew:erreichbarkeit>
          <xsl:apply-templates select="*" mode="kopie"/>
        </bygew:erreichbarkeit>
      </xsl:for-each>
    </bygew:inhaber>
  </xsl:template>

  <xsl:template match="in:betrieb">
    <bygew:betrieb>
      <xsl:if test="in:betriebsname">
        <bygew:firma><xsl:value-of select="normalize-space(in:betriebsname)"/></bygew:firma>
      </xsl:if>
      <xsl:apply-templates select="in:rechtsform"/>
      <xsl:apply-templates select="in:betriebsstaette">
        <xsl:with-param name="als" select="'betriebsstaette'"/>
      </xsl:apply-templates>
      <xsl:variable name="ars" select="normalize-space(in:gemeindeschluessel)"/>
      <bygew:ags><xsl:value-of select="concat(substring($ars, 1, 5), substring($ars, 10, 3))"/></bygew:ags>
      <bygew:taetigkeit><xsl:value-of select="normalize-space(in:taetigkeit/in:beschreibung)"/></bygew:taetigkeit>
      <xsl:for-each select="in:taetigkeit/in:wirtschaftszweig">
        <bygew:wzVorschlag>
          <xsl:copy-of select="@*"/>
          <xsl:apply-templates select="*" mode="kopie"/>
        </bygew:wzVorschlag>
      </xsl:for-each>
      <bygew:beginn><xsl:value-of select="normalize-space(in:taetigkeitsbeginn)"/></bygew:beginn>
      <xsl:if test="in:beschaeftigte">
        <bygew:beschaeftigte>
          <bygew:gesamt>
            <xsl:value-of select="number(in:beschaeftigte/in:vollzeit) + number(in:beschaeftigte/in:teilzeit)"/>
          </bygew:gesamt>
          <bygew:davonTeilzeit><xsl:value-of select="normalize-space(in:beschaeftigte/in:teilzeit)"/></bygew:davonTeilzeit>
        </bygew:beschaeftigte>
      </xsl:if>
    </bygew:betrieb>
  </xsl:template>

  <!-- rechtsform: code list version 2 -> Rechtsformschlüssel Bayern -->
  <xsl:template match="in:rechtsform">
    <xsl:variable name="alt" select="normalize-space(code)"/>
    <xsl:variable name="neu">
      <xsl:choose>
        <xsl:when test="$alt = '001'">10</xsl:when>
        <xsl:when test="$alt = '002'">11</xsl:when>
        <xsl:when test="$alt = '101'">20</xsl:when>
        <xsl:when test="$alt = '102'">21</xsl:when>
        <xsl:when test="$alt = '103'">22</xsl:when>
        <xsl:when test="$alt = '104'">23</xsl:when>
        <xsl:when test="$alt = '201'">30</xsl:when>
        <xsl:when test="$alt = '202'">31</xsl:when>
        <xsl:when test="$alt = '203'">32</xsl:when>
        <xsl:when test="$alt = '301'">40</xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="$neu = ''">
      <xsl:message terminate="yes">gewerbe-2.0-to-by: rechtsform code '<xsl:value-of select="$alt"/>' is not in code list rechtsform version 2</xsl:message>
    </xsl:if>
    <bygew:rechtsform listURI="urn:xoev-de:ozgbus:by:codeliste:rechtsform" listVersionID="1">
      <code><xsl:value-of select="$neu"/></code>
      <xsl:if test="name">
        <name>
          <xsl:choose>
            <xsl:when test="$neu = '10'">Einzelunternehmen (nicht eingetragen)</xsl:when>
            <xsl:when test="$neu = '11'">eingetragene Kauffrau/eingetragener Kaufmann</xsl:when>
            <xsl:when test="$neu = '20'">GbR</xsl:when>
            <xsl:when test="$neu = '21'">OHG</xsl:when>
            <xsl:when test="$neu = '22'">KG</xsl:when>
            <xsl:when test="$neu = '23'">GmbH &amp; Co. KG</xsl:when>
            <xsl:when test="$neu = '30'">GmbH</xsl:when>
            <xsl:when test="$neu = '31'">UG (haftungsbeschränkt)</xsl:when>
            <xsl:when test="$neu = '32'">AG</xsl:when>
            <xsl:when test="$neu = '40'">eingetragene Genossenschaft</xsl:when>
          </xsl:choose>
        </name>
      </xsl:if>
    </bygew:rechtsform>
  </xsl:template>

  <!-- bdt:AnschriftInlandType -> Bayern AnschriftType, element named by $als -->
  <xsl:template match="in:wohnanschrift | in:betriebsstaette">
    <xsl:param name="als"/>
    <xsl:variable name="zusatz" select="normalize-space(bdt:hausnummerZusatz)"/>
    <xsl:variable name="trenner">
      <xsl:if test="$zusatz != '' and not(string-length($zusatz) = 1 and translate($zusatz,
                    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', '') = '')
                    and not(starts-with($zusatz, '-') or starts-with($zusatz, '/'))">
        <xsl:text> </xsl:text>
      </xsl:if>
    </xsl:variable>
    <xsl:element name="bygew:{$als}">
      <bygew:strasse><xsl:value-of select="normalize-space(bdt:strasse)"/></bygew:strasse>
      <bygew:hausnummer><xsl:value-of select="concat(normalize-space(bdt:hausnummer), $trenner, $zusatz)"/></bygew:hausnummer>
      <bygew:plz><xsl:value-of select="normalize-space(bdt:postleitzahl)"/></bygew:plz>
      <bygew:ort><xsl:value-of select="normalize-space(bdt:ort)"/></bygew:ort>
      <xsl:if test="bdt:ortsteil">
        <bygew:ortsteil><xsl:value-of select="normalize-space(bdt:ortsteil)"/></bygew:ortsteil>
      </xsl:if>
    </xsl:element>
  </xsl:template>

  <!-- bdt code elements of the person: same local name in the Bayern namespace, content unchanged -->
  <xsl:template match="bdt:*" mode="umbenennen">
    <xsl:element name="bygew:{local-name()}">
      <xsl:copy-of select="@*"/>
      <xsl:apply-templates select="*" mode="kopie"/>
    </xsl:element>
  </xsl:template>

  <!-- Copy: bdt and unqualified elements keep their names. -->
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
