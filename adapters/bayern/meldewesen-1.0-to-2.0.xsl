<?xml version="1.0" encoding="UTF-8"?>
<!--
  Meldewesen adapter: Wohnsitzanmeldung OZGBus-Meldewesen 1.0 -> 2.0 (message type 0200 -> 0200).
  Used by the Hamburg and the Bayern adapter: adapters/hamburg/ and adapters/bayern/ hold identical
  copies (each adapter folder is self-contained). Change both together.

  Input : meld:meldewesen.anmeldung.0200 in urn:xoev-de:ozgbus:meldewesen:1.0
  Output: meld:meldewesen.anmeldung.0200 in urn:xoev-de:ozgbus:meldewesen:2.0 (standard
          OZGBus-Meldewesen, version 2.0)

  Header nachrichtenkopf.g2g: copied unchanged; the 2.0 baukasten restricts it as 1.0 does.
  Root attributes: produkt, produkthersteller, produktversion, test copied; standard/version set
  for 2.0; anything else (e.g. xsi:schemaLocation) is dropped. ds:Signature is dropped: the broker
  signs the translated document itself.

  Mapping:
    einzugsdatum             -> einzugstag
    person (1..n)            -> meldepflichtigePerson (content unchanged)
    anschrift/strasseUndHausnummer
                             -> bdt:strasse + bdt:hausnummer (+ bdt:hausnummerZusatz), split at the
                                house number: the last word if it starts with a digit, else the
                                last two words if the second-to-last starts with a digit ("Am
                                Anger 7 b"); " - " and " / " count as "-" and "/" ("Am Markt 3 - 5"
                                -> 3 + "-5"). The leading digits are the hausnummer, the rest the
                                zusatz. Examples: "Holtenauer Straße 112" -> Holtenauer Straße | 112;
                                "Fleischhauerstraße 45a" -> Fleischhauerstraße | 45 | a.
    anschrift/postleitzahl, ort -> bdt:postleitzahl, bdt:ort (no ortsteil: 1.0 has none)
    neueWohnung/anschrift/wohnungsangabe -> neueWohnung/wohnungsangabe
    wohnungsstatus, code list version 1 -> version 2:
      H -> 2 (Hauptwohnung) when bisherigeWohnung/wirdBeibehalten is true (the person keeps
             another dwelling), else 1 (alleinige Wohnung): 1.0 knows no other dwellings;
      N -> 3 (Nebenwohnung).
      A name element is written only when the input had one, with the version 2 wording.
    wohnungsgeber (new, mandatory; 1.0 portals do not collect the Wohnungsgeberbestätigung):
      a recognisable placeholder the Meldebehörde follows up on (§ 19 BMG lets it ask for the
      confirmation): name = parameter wohnungsgeber_platzhalter, anschrift = the new dwelling
      (the one the confirmation is about), bestaetigungsdatum = einzugsdatum.

  Lost: bisherigeWohnung/anschrift/wohnungsangabe (2.0 has no place for it); xsi: attributes on
  header elements other than nachrichtentyp and verzeichnisdienst (see mode kopf).

  Parameters (xsl:param, set in adapter.toml):
    wohnungsgeber_platzhalter  text written as wohnungsgeber/name (1-255 characters). Empty:
                               refuse 1.0 messages instead of sending a placeholder.

  Refuses (xsl:message terminate="yes"): a strasseUndHausnummer that does not split into a
  street and a hausnummer [1-9][0-9]{0,3} with an optional zusatz of at most 10 characters
  [A-Za-z0-9 /-] (e.g. "Am Sandtorkai" without a number): 2.0 needs both, and guessing would
  put a wrong address into the register; an empty wohnungsgeber_platzhalter; a root other than
  meldewesen.anmeldung.0200 of 1.0; a wohnungsstatus code outside version 1; a person child that
  1.0's PersonType does not have (possible only in input not validated against 1.0).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:in="urn:xoev-de:ozgbus:meldewesen:1.0"
    xmlns:meld="urn:xoev-de:ozgbus:meldewesen:2.0"
    xmlns:bdt="urn:xoev-de:ozgbus:basisdatentypen:1.0"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
    exclude-result-prefixes="in ds">

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:strip-space elements="*"/>

  <xsl:param name="wohnungsgeber_platzhalter"
             select="'Wohnungsgeberbestätigung nicht übermittelt (Anmeldung nach OZGBus-Meldewesen 1.0)'"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="in:meldewesen.anmeldung.0200">
        <xsl:apply-templates select="in:meldewesen.anmeldung.0200"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:message terminate="yes">meldewesen-1.0-to-2.0: root element {<xsl:value-of select="namespace-uri(*)"/>}<xsl:value-of select="local-name(*)"/> is not meldewesen.anmeldung.0200 of urn:xoev-de:ozgbus:meldewesen:1.0</xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="in:meldewesen.anmeldung.0200">
    <xsl:if test="normalize-space($wohnungsgeber_platzhalter) = ''">
      <xsl:message terminate="yes">meldewesen-1.0-to-2.0: OZGBus-Meldewesen 1.0 carries no wohnungsgeber, which 2.0 requires, and this adapter is configured to refuse such messages (wohnungsgeber_platzhalter is empty)</xsl:message>
    </xsl:if>
    <meld:meldewesen.anmeldung.0200 version="2.0" standard="OZGBus-Meldewesen">
      <xsl:copy-of select="@produkt | @produkthersteller | @produktversion | @test"/>
      <xsl:apply-templates select="nachrichtenkopf.g2g" mode="kopf"/>
      <xsl:apply-templates select="in:anmeldung"/>
    </meld:meldewesen.anmeldung.0200>
  </xsl:template>

  <!-- Header: unqualified elements, copied one by one: libxslt's xsl:copy brings only an
       element's own namespace declarations along, copy-of every one in scope (the 1.0 prefix).
       In the header schema only the code-list elements carry attributes; evaluating @* costs
       about as much as copying an element, so the others skip it (validation against 1.0 lets
       only xsi: attributes through on them; those are dropped). -->
  <xsl:template match="*" mode="kopf">
    <xsl:copy>
      <xsl:apply-templates mode="kopf"/>
    </xsl:copy>
  </xsl:template>
  <xsl:template match="nachrichtentyp | verzeichnisdienst" mode="kopf">
    <xsl:copy>
      <xsl:copy-of select="@*"/>
      <xsl:apply-templates mode="kopf"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="in:anmeldung">
    <!-- Translated once, written twice: the new dwelling is also the Wohnungsgeber's address. -->
    <xsl:variable name="neue-anschrift">
      <xsl:apply-templates select="in:neueWohnung/in:anschrift"/>
    </xsl:variable>
    <meld:anmeldung>
      <meld:einzugstag><xsl:value-of select="normalize-space(in:einzugsdatum)"/></meld:einzugstag>
      <xsl:for-each select="in:neueWohnung">
        <meld:neueWohnung>
          <xsl:copy-of select="$neue-anschrift"/>
          <xsl:if test="in:anschrift/in:wohnungsangabe">
            <meld:wohnungsangabe><xsl:value-of select="normalize-space(in:anschrift/in:wohnungsangabe)"/></meld:wohnungsangabe>
          </xsl:if>
          <meld:gemeindeschluessel><xsl:value-of select="normalize-space(in:gemeindeschluessel)"/></meld:gemeindeschluessel>
          <xsl:apply-templates select="in:wohnungsstatus"/>
        </meld:neueWohnung>
      </xsl:for-each>
      <xsl:apply-templates select="in:bisherigeWohnung"/>
      <meld:wohnungsgeber>
        <meld:name><xsl:value-of select="normalize-space($wohnungsgeber_platzhalter)"/></meld:name>
        <xsl:copy-of select="$neue-anschrift"/>
        <meld:bestaetigungsdatum><xsl:value-of select="normalize-space(in:einzugsdatum)"/></meld:bestaetigungsdatum>
      </meld:wohnungsgeber>
      <!-- PersonType is the same in both versions: each child renamed into 2.0 (mode person),
           its content copied (mode wert). -->
      <xsl:for-each select="in:person">
        <meld:meldepflichtigePerson><xsl:apply-templates mode="person"/></meld:meldepflichtigePerson>
      </xsl:for-each>
    </meld:anmeldung>
  </xsl:template>

  <xsl:template match="in:bisherigeWohnung">
    <meld:bisherigeWohnung>
      <xsl:apply-templates select="in:anschrift"/>
      <xsl:if test="in:gemeindeschluessel">
        <meld:gemeindeschluessel><xsl:value-of select="normalize-space(in:gemeindeschluessel)"/></meld:gemeindeschluessel>
      </xsl:if>
      <meld:wirdBeibehalten><xsl:value-of select="normalize-space(in:wirdBeibehalten)"/></meld:wirdBeibehalten>
    </meld:bisherigeWohnung>
  </xsl:template>

  <!-- wohnungsstatus: code list version 1 -> version 2 -->
  <xsl:template match="in:wohnungsstatus">
    <xsl:variable name="alt" select="normalize-space(code)"/>
    <xsl:variable name="beibehalten" select="normalize-space(../../in:bisherigeWohnung/in:wirdBeibehalten)"/>
    <!-- H -> 1, N -> 3 (translate); H -> 2 (the second character) when the person keeps the
         previous dwelling (wirdBeibehalten true or 1). -->
    <xsl:variable name="neu"
                  select="substring(concat(translate($alt, 'HN', '13'), '2'),
                                    1 + ($alt = 'H' and ($beibehalten = 'true' or $beibehalten = '1')), 1)"/>
    <xsl:if test="not($alt = 'H' or $alt = 'N')">
      <xsl:message terminate="yes">meldewesen-1.0-to-2.0: wohnungsstatus code '<xsl:value-of select="$alt"/>' is not in code list wohnungsstatus version 1</xsl:message>
    </xsl:if>
    <meld:wohnungsstatus listURI="urn:xoev-de:ozgbus:codeliste:wohnungsstatus" listVersionID="2">
      <code><xsl:value-of select="$neu"/></code>
      <xsl:if test="name">
        <name>
          <xsl:choose>
            <xsl:when test="$neu = '1'">alleinige Wohnung</xsl:when>
            <xsl:when test="$neu = '2'">Hauptwohnung</xsl:when>
            <xsl:otherwise>Nebenwohnung</xsl:otherwise>
          </xsl:choose>
        </name>
      </xsl:if>
    </meld:wohnungsstatus>
  </xsl:template>

  <!-- 1.0 anschrift -> bdt:AnschriftInlandType. The refusal names the text and the dwelling from
       the context node, which call-template keeps: parameters cost per address, messages never. -->
  <xsl:template match="in:anschrift">
    <xsl:variable name="text" select="normalize-space(in:strasseUndHausnummer)"/>
    <!-- From the first digit on (all of the text when it has none), and its leading digits. -->
    <xsl:variable name="ab-ziffer"
                  select="substring($text, string-length(substring-before(translate($text, '0123456789', '##########'), '#')) + 1)"/>
    <xsl:variable name="nummer"
                  select="substring-before(concat($ab-ziffer, '#'),
                                           substring(concat(translate($ab-ziffer, '0123456789', ''), '#'), 1, 1))"/>
    <meld:anschrift>
      <xsl:choose>
        <!-- Most addresses: the first digit starts the last word ("Holtenauer Straße 112",
             "Fleischhauerstraße 45a"), which is the number part, and it is one the 2.0 address
             can hold. The general split below finds the same; this needs no recursion, no
             parameters and no template call. Anything else (also every refusal) goes on below. -->
        <xsl:when test="not(contains($ab-ziffer, ' '))
                        and substring($text, string-length($text) - string-length($ab-ziffer), 1) = ' '
                        and not(contains($text, ' - ') or contains($text, ' / '))
                        and string-length($nummer) &lt; 5 and not(starts-with($nummer, '0'))
                        and string-length($ab-ziffer) - string-length($nummer) &lt; 11
                        and translate(substring($ab-ziffer, string-length($nummer) + 1), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/-', '') = ''">
          <bdt:strasse><xsl:value-of select="substring($text, 1, string-length($text) - string-length($ab-ziffer) - 1)"/></bdt:strasse>
          <bdt:hausnummer><xsl:value-of select="$nummer"/></bdt:hausnummer>
          <xsl:if test="$ab-ziffer != $nummer">
            <bdt:hausnummerZusatz><xsl:value-of select="substring($ab-ziffer, string-length($nummer) + 1)"/></bdt:hausnummerZusatz>
          </xsl:if>
        </xsl:when>
        <xsl:when test="contains($text, ' - ') or contains($text, ' / ')">
          <xsl:call-template name="strasse-und-hausnummer-schliessen">
            <xsl:with-param name="text" select="$text"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="strasse-und-hausnummer-teilen">
            <xsl:with-param name="t" select="$text"/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
      <bdt:postleitzahl><xsl:value-of select="normalize-space(in:postleitzahl)"/></bdt:postleitzahl>
      <bdt:ort><xsl:value-of select="normalize-space(in:ort)"/></bdt:ort>
    </meld:anschrift>
  </xsl:template>

  <!-- " - " and " / " closed up to "-" and "/" (rare: only then a result tree fragment is made),
       then split as any other. -->
  <xsl:template name="strasse-und-hausnummer-schliessen">
    <xsl:param name="text"/>
    <xsl:call-template name="strasse-und-hausnummer-teilen">
      <xsl:with-param name="t">
        <xsl:call-template name="ersetze">
          <xsl:with-param name="alt" select="' / '"/>
          <xsl:with-param name="neu" select="'/'"/>
          <xsl:with-param name="s">
            <xsl:call-template name="ersetze">
              <xsl:with-param name="s" select="$text"/>
              <xsl:with-param name="alt" select="' - '"/>
              <xsl:with-param name="neu" select="'-'"/>
            </xsl:call-template>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- Narrows s to the last two words of t; their number part is the last word if it starts with
       a digit, else both if the first of them does. Conditionals are written with XPath 1.0's
       substring($x, 1, 1000 * boolean) idiom, not as xsl:variable with content: each such
       variable is a result tree fragment, a document of its own, and those were most of this
       stylesheet's cost. -->
  <xsl:template name="strasse-und-hausnummer-teilen">
    <xsl:param name="t"/>
    <xsl:param name="s" select="$t"/>
    <xsl:variable name="rest" select="substring-after($s, ' ')"/>
    <xsl:choose>
      <xsl:when test="contains($rest, ' ')">
        <xsl:call-template name="strasse-und-hausnummer-teilen">
          <xsl:with-param name="t" select="$t"/>
          <xsl:with-param name="s" select="$rest"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="letztes-ist-nummer" select="$rest != '' and contains('0123456789', substring($rest, 1, 1))"/>
        <xsl:variable name="nummernteil"
                      select="concat(substring($rest, 1, 1000 * $letztes-ist-nummer),
                                     substring($s, 1, 1000 * (not($letztes-ist-nummer) and contains('0123456789', substring($s, 1, 1)))))"/>
        <xsl:call-template name="hausnummer-schreiben">
          <xsl:with-param name="strasse"
                          select="normalize-space(substring($t, 1, string-length($t) - string-length($nummernteil)))"/>
          <xsl:with-param name="nummernteil" select="$nummernteil"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Writes bdt:strasse, bdt:hausnummer (the leading digits of the number part) and, if any,
       bdt:hausnummerZusatz (the rest); refuses what the 2.0 address cannot hold. The context
       node is the in:anschrift being translated. -->
  <xsl:template name="hausnummer-schreiben">
    <xsl:param name="strasse"/>
    <xsl:param name="nummernteil"/>
    <!-- Everything before the first non-digit; the '#' appended ends the search when there is none. -->
    <xsl:variable name="nummer"
                  select="substring-before(concat($nummernteil, '#'),
                                           substring(concat(translate($nummernteil, '0123456789', ''), '#'), 1, 1))"/>
    <xsl:variable name="zusatz" select="normalize-space(substring($nummernteil, string-length($nummer) + 1))"/>
    <xsl:if test="$strasse = '' or string-length($nummer) &lt; 1
                  or string-length($nummer) &gt; 4 or starts-with($nummer, '0')
                  or string-length($zusatz) &gt; 10 or translate($zusatz, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 /-', '') != ''">
      <xsl:message terminate="yes">meldewesen-1.0-to-2.0: strasseUndHausnummer "<xsl:value-of select="normalize-space(in:strasseUndHausnummer)"/>" (<xsl:value-of select="local-name(..)"/>) does not split into strasse and hausnummer ([1-9][0-9]{0,3}, optional zusatz of at most 10 characters), which the 2.0 address requires</xsl:message>
    </xsl:if>
    <bdt:strasse><xsl:value-of select="$strasse"/></bdt:strasse>
    <bdt:hausnummer><xsl:value-of select="$nummer"/></bdt:hausnummer>
    <xsl:if test="$zusatz != ''">
      <bdt:hausnummerZusatz><xsl:value-of select="$zusatz"/></bdt:hausnummerZusatz>
    </xsl:if>
  </xsl:template>

  <xsl:template name="ersetze">
    <xsl:param name="s"/>
    <xsl:param name="alt"/>
    <xsl:param name="neu"/>
    <xsl:choose>
      <xsl:when test="contains($s, $alt)">
        <xsl:value-of select="concat(substring-before($s, $alt), $neu)"/>
        <xsl:call-template name="ersetze">
          <xsl:with-param name="s" select="substring-after($s, $alt)"/>
          <xsl:with-param name="alt" select="$alt"/>
          <xsl:with-param name="neu" select="$neu"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>


  <!-- A person's children, renamed into 2.0, their content copied as it is: text, the bdt: name
       parts and a code list's unqualified code and name, none of which has attributes in the
       schema (the input was validated against 1.0). -->
  <xsl:template match="in:name" mode="person">
    <meld:name><xsl:apply-templates mode="wert"/></meld:name>
  </xsl:template>
  <xsl:template match="in:geburtsdatum" mode="person">
    <meld:geburtsdatum><xsl:apply-templates mode="wert"/></meld:geburtsdatum>
  </xsl:template>
  <xsl:template match="in:geburtsort" mode="person">
    <meld:geburtsort><xsl:apply-templates mode="wert"/></meld:geburtsort>
  </xsl:template>
  <xsl:template match="in:geschlecht" mode="person">
    <meld:geschlecht><xsl:copy-of select="@*"/><xsl:apply-templates mode="wert"/></meld:geschlecht>
  </xsl:template>
  <xsl:template match="in:staatsangehoerigkeit" mode="person">
    <meld:staatsangehoerigkeit><xsl:copy-of select="@*"/><xsl:apply-templates mode="wert"/></meld:staatsangehoerigkeit>
  </xsl:template>
  <xsl:template match="in:familienstand" mode="person">
    <meld:familienstand><xsl:copy-of select="@*"/><xsl:apply-templates mode="wert"/></meld:familienstand>
  </xsl:template>
  <xsl:template match="*" mode="person">
    <xsl:message terminate="yes">meldewesen-1.0-to-2.0: person/{<xsl:value-of select="namespace-uri()"/>}<xsl:value-of select="local-name()"/> is not an element of PersonType in 1.0</xsl:message>
  </xsl:template>
  <xsl:template match="*" mode="wert">
    <xsl:copy><xsl:apply-templates mode="wert"/></xsl:copy>
  </xsl:template>
  <!-- Never copied: comments, processing instructions. -->
  <xsl:template match="comment() | processing-instruction()" mode="kopf"/>
</xsl:stylesheet>
