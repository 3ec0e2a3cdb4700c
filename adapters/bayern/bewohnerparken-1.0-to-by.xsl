<?xml version="1.0" encoding="UTF-8"?>
<!--
  Bayern adapter: Bewohnerparkausweis OZGBus-Bewohnerparken 1.0 -> bayerisches Format
  OZGBus-BY-Bewohnerparken 1.0 (message type 0300 -> 0300).

  Input : bwp:bewohnerparken.antrag.0300 in urn:xoev-de:ozgbus:bewohnerparken:1.0
  Output: bybwp:parkausweis.antrag.0300 in urn:xoev-de:ozgbus:by:bewohnerparken:1.0 (standard
          OZGBus-BY-Bewohnerparken, version 1.0; schema xsd/bayern/bewohnerparken/1.0/bewohnerparken.xsd)

  Header nachrichtenkopf.g2g: copied unchanged except nachrichtentyp/name, which (when present)
  names the Bayern root, parkausweis.antrag.0300; the Bayern baukasten keeps code 0300 and the
  LeiKa key. Root attributes: produkt, produkthersteller, produktversion, test copied;
  standard/version set for OZGBus-BY-Bewohnerparken 1.0; anything else (e.g. xsi:schemaLocation)
  is dropped. ds:Signature is dropped: the broker signs the translated document itself.

  Mapping (antrag -> antrag):
    antragsteller/name/familienname, geburtsname, vorname, doktorgrad
                                   -> bewohner/nachname, geburtsname, vornamen, akademischerGrad
    antragsteller/geburtsdatum     -> bewohner/geburtsdatum
    antragsteller/anschrift        -> bewohner/hauptwohnung
    antragsteller/kommunikation    -> bewohner/erreichbarkeit (content unchanged)
    fahrzeug/kennzeichen "M-GR 4711E"
                                   -> kfz/kennzeichen/zulassungsbezirk "M", buchstaben "GR",
                                      ziffern "4711", kennzeichenart E (trailing E or H; else N)
    fahrzeug/halterart (version 1) -> kfz/nutzungsverhaeltnis: H->HA F->FW L->LE
    (no fahrzeuglaenge in 1.0)     -> no kfz/laengeCm: optional in the Bayern format, the
                                      authority takes it from the Zulassungsbescheinigung if needed
    gemeindeschluessel (ARS)       -> ags (ARS positions 1-5 and 10-12)
    parkzone                       -> parklizenzgebiet
    gueltigAb, gueltigkeitMonate   -> beginn, dauerMonate
    Addresses: bdt:strasse, bdt:plz, bdt:ort, bdt:ortsteil -> strasse, plz, ort, ortsteil;
      bdt:hausnummer + bdt:hausnummerZusatz -> hausnummer in one field ("10a", "3-5", "7 Hinterhaus").
    Code names: a name element is written only when the input had one, in the Bayern wording;
      kennzeichenart (no input code) is written without a name.

  Lost: nothing.

  Refuses (xsl:message terminate="yes"): a root other than bewohnerparken.antrag.0300 of 1.0; a
  halterart code outside version 1; a kennzeichen not of the form "M-GR 4711" (neither passes the
  1.0 schema).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:in="urn:xoev-de:ozgbus:bewohnerparken:1.0"
    xmlns:bybwp="urn:xoev-de:ozgbus:by:bewohnerparken:1.0"
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
        <xsl:message terminate="yes">bewohnerparken-1.0-to-by: root element {<xsl:value-of select="namespace-uri(*)"/>}<xsl:value-of select="local-name(*)"/> is not bewohnerparken.antrag.0300 of urn:xoev-de:ozgbus:bewohnerparken:1.0</xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="in:bewohnerparken.antrag.0300">
    <bybwp:parkausweis.antrag.0300 version="1.0" standard="OZGBus-BY-Bewohnerparken">
      <xsl:copy-of select="@produkt | @produkthersteller | @produktversion | @test"/>
      <xsl:apply-templates select="nachrichtenkopf.g2g" mode="kopf"/>
      <xsl:apply-templates select="in:antrag"/>
    </bybwp:parkausweis.antrag.0300>
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
    <name>parkausweis.antrag.0300</name>
  </xsl:template>

  <xsl:template match="in:antrag">
    <xsl:variable name="ars" select="normalize-space(in:gemeindeschluessel)"/>
    <bybwp:antrag>
      <xsl:apply-templates select="in:antragsteller"/>
      <xsl:apply-templates select="in:fahrzeug"/>
      <bybwp:ags><xsl:value-of select="concat(substring($ars, 1, 5), substring($ars, 10, 3))"/></bybwp:ags>
      <bybwp:parklizenzgebiet><xsl:value-of select="normalize-space(in:parkzone)"/></bybwp:parklizenzgebiet>
      <bybwp:beginn><xsl:value-of select="normalize-space(in:gueltigAb)"/></bybwp:beginn>
      <bybwp:dauerMonate><xsl:value-of select="normalize-space(in:gueltigkeitMonate)"/></bybwp:dauerMonate>
    </bybwp:antrag>
  </xsl:template>

  <xsl:template match="in:antragsteller">
    <bybwp:bewohner>
      <bybwp:nachname><xsl:value-of select="normalize-space(in:name/bdt:familienname)"/></bybwp:nachname>
      <xsl:if test="in:name/bdt:geburtsname">
        <bybwp:geburtsname><xsl:value-of select="normalize-space(in:name/bdt:geburtsname)"/></bybwp:geburtsname>
      </xsl:if>
      <bybwp:vornamen><xsl:value-of select="normalize-space(in:name/bdt:vorname)"/></bybwp:vornamen>
      <xsl:if test="in:name/bdt:doktorgrad">
        <bybwp:akademischerGrad><xsl:value-of select="normalize-space(in:name/bdt:doktorgrad)"/></bybwp:akademischerGrad>
      </xsl:if>
      <bybwp:geburtsdatum><xsl:value-of select="normalize-space(in:geburtsdatum)"/></bybwp:geburtsdatum>
      <xsl:apply-templates select="in:anschrift"/>
      <xsl:for-each select="in:kommunikation">
        <bybwp:erreichbarkeit>
          <xsl:apply-templates select="*" mode="kopie"/>
        </bybwp:erreichbarkeit>
      </xsl:for-each>
    </bybwp:bewohner>
  </xsl:template>

  <!-- bdt:AnschriftInlandType -> Bayern AnschriftType (hauptwohnung) -->
  <xsl:template match="in:anschrift">
    <xsl:variable name="zusatz" select="normalize-space(bdt:hausnummerZusatz)"/>
    <xsl:variable name="trenner">
      <xsl:if test="$zusatz != '' and not(string-length($zusatz) = 1 and translate($zusatz,
                    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', '') = '')
                    and not(starts-with($zusatz, '-') or starts-with($zusatz, '/'))">
        <xsl:text> </xsl:text>
      </xsl:if>
    </xsl:variable>
    <bybwp:hauptwohnung>
      <bybwp:strasse><xsl:value-of select="normalize-space(bdt:strasse)"/></bybwp:strasse>
      <bybwp:hausnummer><xsl:value-of select="concat(normalize-space(bdt:hausnummer), $trenner, $zusatz)"/></bybwp:hausnummer>
      <bybwp:plz><xsl:value-of select="normalize-space(bdt:postleitzahl)"/></bybwp:plz>
      <bybwp:ort><xsl:value-of select="normalize-space(bdt:ort)"/></bybwp:ort>
      <xsl:if test="bdt:ortsteil">
        <bybwp:ortsteil><xsl:value-of select="normalize-space(bdt:ortsteil)"/></bybwp:ortsteil>
      </xsl:if>
    </bybwp:hauptwohnung>
  </xsl:template>

  <xsl:template match="in:fahrzeug">
    <bybwp:kfz>
      <xsl:variable name="kz" select="normalize-space(in:kennzeichen)"/>
      <xsl:if test="not(contains($kz, '-'))">
        <xsl:message terminate="yes">bewohnerparken-1.0-to-by: kennzeichen "<xsl:value-of select="$kz"/>" has no hyphen between unterscheidungszeichen and erkennungsnummer</xsl:message>
      </xsl:if>
      <xsl:call-template name="kennzeichen">
        <xsl:with-param name="bezirk" select="substring-before($kz, '-')"/>
        <xsl:with-param name="nummer" select="substring-after($kz, '-')"/>
      </xsl:call-template>
      <xsl:apply-templates select="in:halterart"/>
    </bybwp:kfz>
  </xsl:template>

  <!-- "GR 4711E" -> buchstaben GR, ziffern 4711, kennzeichenart E -->
  <xsl:template name="kennzeichen">
    <xsl:param name="bezirk"/>
    <xsl:param name="nummer"/>
    <xsl:variable name="rest" select="substring-after($nummer, ' ')"/>
    <xsl:variable name="ende" select="substring($rest, string-length($rest))"/>
    <xsl:if test="not(contains($nummer, ' ')) or $rest = ''">
      <xsl:message terminate="yes">bewohnerparken-1.0-to-by: erkennungsnummer "<xsl:value-of select="$nummer"/>" does not have the form "AB 1234" after the hyphen</xsl:message>
    </xsl:if>
    <bybwp:kennzeichen>
      <bybwp:zulassungsbezirk><xsl:value-of select="$bezirk"/></bybwp:zulassungsbezirk>
      <bybwp:buchstaben><xsl:value-of select="substring-before($nummer, ' ')"/></bybwp:buchstaben>
      <xsl:choose>
        <xsl:when test="$ende = 'E' or $ende = 'H'">
          <bybwp:ziffern><xsl:value-of select="substring($rest, 1, string-length($rest) - 1)"/></bybwp:ziffern>
          <bybwp:kennzeichenart listURI="urn:xoev-de:ozgbus:by:codeliste:kennzeichenart" listVersionID="1">
            <code><xsl:value-of select="$ende"/></code>
          </bybwp:kennzeichenart>
        </xsl:when>
        <xsl:otherwise>
          <bybwp:ziffern><xsl:value-of select="$rest"/></bybwp:ziffern>
          <bybwp:kennzeichenart listURI="urn:xoev-de:ozgbus:by:codeliste:kennzeichenart" listVersionID="1">
            <code>N</code>
          </bybwp:kennzeichenart>
        </xsl:otherwise>
      </xsl:choose>
    </bybwp:kennzeichen>
  </xsl:template>

  <!-- halterart version 1 -> Nutzungsverhältnis Bayern -->
  <xsl:template match="in:halterart">
    <xsl:variable name="alt" select="normalize-space(code)"/>
    <xsl:variable name="neu">
      <xsl:choose>
        <xsl:when test="$alt = 'H'">HA</xsl:when>
        <xsl:when test="$alt = 'F'">FW</xsl:when>
        <xsl:when test="$alt = 'L'">LE</xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="$neu = ''">
      <xsl:message terminate="yes">bewohnerparken-1.0-to-by: halterart code '<xsl:value-of select="$alt"/>' is not in code list halterart version 1</xsl:message>
    </xsl:if>
    <bybwp:nutzungsverhaeltnis listURI="urn:xoev-de:ozgbus:by:codeliste:kfz-nutzungsverhaeltnis" listVersionID="1">
      <code><xsl:value-of select="$neu"/></code>
      <xsl:if test="name">
        <name>
          <xsl:choose>
            <xsl:when test="$neu = 'HA'">Halterin/Halter</xsl:when>
            <xsl:when test="$neu = 'FW'">Firmenwagen zur privaten Nutzung</xsl:when>
            <xsl:otherwise>Leasing</xsl:otherwise>
          </xsl:choose>
        </name>
      </xsl:if>
    </bybwp:nutzungsverhaeltnis>
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
